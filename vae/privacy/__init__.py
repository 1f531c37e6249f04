"""Personal data (RGPD): what the candidate can export and erase, and anonymisation."""
