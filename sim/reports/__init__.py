"""What users read: charts (``charts``), the HTML report (``html``), the MKBA workbook and report (``mkba``), sweep
tables and charts (``sweep``), and files written whole or not at all (``outputs``)."""
