"""The example notebook runs top to bottom; a failing cell fails the test."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "quarterly_report.ipynb"


def test_quarterly_report_notebook_runs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert "reporting" in text
    # the charts were drawn: the summary by theme, and the SPC (XmR) charts with plot_spc
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2
    assert "indicators with SPC" in text and "0 indicators with SPC" not in text
    assert any("rs.plot_spc(" in cell.source for cell in nb.cells if cell.cell_type == "code")
