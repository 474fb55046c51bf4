"""Turn a volume's frame and its tables' PDFs into one bound volume, each face embedded once."""
