"""The statutory outputs and the meeting pack: XLSX/CSV/PDF files made from the warehouse, from a page's
download button or from the command line (`python -m reports ...`)."""
