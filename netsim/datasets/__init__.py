"""Small data sets shipped inside the package, so examples work from an installed wheel.

========  ===============================================================================
name      contents and source
========  ===============================================================================
iris      Fisher's 150 Iris flowers: sepal and petal length and width in cm and the
          species (setosa, versicolor, virginica). R. A. Fisher (1936), "The use of
          multiple measurements in taxonomic problems", *Annals of Eugenics* 7(2),
          179–188; the values as in R's ``iris`` (the two errors of the UCI copy, rows
          35 and 38, corrected). Public domain. Same file as ``examples/iris.csv``.
========  ===============================================================================

The textbook networks (XOR, logic gates, the mutually inhibiting pair, Hopfield
letters, …) are built in code by :mod:`netsim.zoo`.

On the command line, ``python -m netsim.datasets iris`` prints the path of the CSV
file, e.g. for ``netsim train NET "$(python -m netsim.datasets iris)" --classes
species``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from ..errors import ParameterError, did_you_mean
from ..learn.data import Samples, read_samples

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas

__all__ = ["FILES", "iris", "path"]

FILES = {"iris": "iris.csv"}


def path(name: str) -> Path:
    """The path of a shipped data file (``"iris"``) inside the installed package.

    Examples
    --------
    >>> import netsim as ns
    >>> ns.datasets.path("iris").name
    'iris.csv'
    """
    if name not in FILES:
        raise ParameterError(
            f"no data set {name!r}; the data sets are {', '.join(map(repr, FILES))}"
            f"{did_you_mean(name, list(FILES))}"
        )
    return Path(str(resources.files(__name__).joinpath(FILES[name])))


@overload
def iris(*, as_frame: Literal[False] = False) -> Samples: ...


@overload
def iris(*, as_frame: Literal[True]) -> pandas.DataFrame: ...


@overload
def iris(*, as_frame: bool) -> Samples | pandas.DataFrame: ...


def iris(*, as_frame: bool = False) -> Any:
    """Fisher's Iris flowers: 150 samples, 4 inputs, 3 classes.

    Parameters
    ----------
    as_frame : bool
        Return the table as a pandas DataFrame (columns ``sepal_length``,
        ``sepal_width``, ``petal_length``, ``petal_width``, ``species``) instead.

    Returns
    -------
    Samples or DataFrame
        ``inputs`` (150, 4) in cm, ``targets`` (150, 3) one-hot in the order of
        ``target_names`` (``['setosa', 'versicolor', 'virginica']``), and the
        column names in ``input_names``.

    Examples
    --------
    >>> import netsim as ns
    >>> data = ns.datasets.iris()
    >>> data.inputs.shape, data.targets.shape, data.target_names
    ((150, 4), (150, 3), ['setosa', 'versicolor', 'virginica'])
    >>> data.inputs.sum(axis=0).round(1).tolist()
    [876.5, 458.6, 563.7, 179.9]
    """
    if as_frame:
        from ..interop import require

        pandas = require("pandas", "pandas", "iris(as_frame=True)")
        return pandas.read_csv(path("iris"))
    return read_samples(path("iris"), classes="species")

