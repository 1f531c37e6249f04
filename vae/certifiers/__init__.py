"""Certifiers: the body that owns a certification (its CPNEFP or branch body), as data."""
