"""CPNEFP staff: review queue, findings, decisions, exports, dashboard."""
