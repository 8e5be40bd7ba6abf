"""Own data upload: read a CSV or XLSX file safely, validate every row, place it in
buurt, wijk and gemeente, and aggregate per region and period (docs/workspace.md)."""
