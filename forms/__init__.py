"""WTForms classes, one module per feature. Messages are French."""
