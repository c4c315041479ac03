"""One reader per file format; each turns decoded text into `Document` objects."""
