"""The shared document kernel: what every feature's PDFs, letters and SVG pictures are built from.

* :mod:`vae.documents.text`: user and snapshot text made safe to lay out (cleaning, one-line
  caps, dates, sizes, names);
* :mod:`vae.documents.pdf`: fonts, styles, the « Page N sur M » canvas, the one PDF set-up,
  tables, key-value blocks, headings and lines to write on;
* :mod:`vae.documents.letters`: the letterhead, addresses, reference lines and closing of the
  CPNEFP's letters;
* :mod:`vae.documents.svg`: SVG elements, text measuring and truncation;
* :mod:`vae.documents.capture` and :mod:`vae.documents.html`: a PDF's story read without
  laying it out, written as its accessible HTML version (RGAA 13.3).

Each feature keeps its own documents (``vae.dossier.pdf``, ``vae.review.letters``,
``vae.jury.documents`` …) and builds them from this kernel; no feature imports another's.
"""
