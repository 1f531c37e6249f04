"""The shared document kernel: what every feature's PDFs, letters and SVG pictures are built from.

* :mod:`vae.documents.text`: user and snapshot text made safe to lay out (cleaning, one-line
  caps, dates, sizes, names);
* :mod:`vae.documents.pdf`: fonts, styles, the « Page N sur M » canvas, the one PDF set-up,
  tables, key-value blocks, headings and lines to write on;
* :mod:`vae.documents.letters`: the letterhead, addresses, reference lines and closing of the
  CPNEFP's letters;
* :mod:`vae.documents.svg`: SVG elements, text measuring and truncation.

Each feature keeps its own documents (``vae.dossier.pdf``, ``vae.review.letters``,
``vae.jury.documents`` …) and builds them from this kernel; no feature imports another's.
"""
