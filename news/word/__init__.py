"""从 Word 导入: a Word or WPS document becomes a draft article with its pictures,
headings, tables and footnotes, and a report of what could not be kept (issue 14).

- package: the zip and XML checks before anything reads a document (hostile
  documents are refused here);
- structure: the rules read from a line's text (GB/T 9704 headings, 供稿, dates);
- reading: mammoth's conversion, the title and other structure, the pictures;
- report: what the article does not keep as the document had it, named;
- libreoffice: .doc, .wps and .odt converted to .docx where LibreOffice is installed;
- importing: the upload kept between preview and confirmation, and the writes
  (a new draft, or a draft's body replaced), shared by the admin and import_docx;
- forms, views: the admin page 从 Word 导入, which only shows and passes on.
"""
