"""Turn the model into the official form: HTML, laid out by WeasyPrint into PDF/A pages."""
