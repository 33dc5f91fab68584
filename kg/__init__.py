"""kg: RDF knowledge graphs from Chinese open-government-information annual reports.

The pipeline, one module a stage:

    read → normalise → segment → extract (metadata, tables, statements) → model → rdf → write → validate

Each stage hands plain data classes (``kg.model``) to the next; only ``kg.rdf``,
``kg.reference`` and ``kg.validate`` know rdflib. ``kg.pipeline`` runs the
per-report stages; ``kg.cli`` is the command line.
"""

__version__ = "0.1.0"
