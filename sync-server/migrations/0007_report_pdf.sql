-- An archived report keeps its PDF as it was generated, with the PDF's own checksum beside the figures'.
ALTER TABLE reports ADD COLUMN pdf BLOB;
ALTER TABLE reports ADD COLUMN pdf_checksum TEXT;
