"""Read an MPII ground-truth file, whichever of the two kinds it is."""
from rmpe_mm.utils.matlab_struct import mat_variable_names
from .annolist import load_mpii_annolist
from .records import ANNOLIST_VAR, RELEASE_VAR, VISIBLE, MpiiAnnotations
from .release import load_mpii_release


def load_mpii_annotations(mat_path: str,
                          missing_visibility: int = VISIBLE
                          ) -> MpiiAnnotations:
    """Read an MPII ground-truth file, whichever of the two kinds it is.

    The kind is told by the variable the file holds: ``RELEASE`` (the
    release, :func:`load_mpii_release`) or ``annolist_test_multi`` (the
    toolkit's evaluation ground truth, :func:`load_mpii_annolist`); a file
    holding both is read as ``annolist_test_multi``, the one
    ``evaluateAP.m`` evaluates against.

    Args:
        mat_path (str): The ``.mat`` file.
        missing_visibility (int): See :func:`load_mpii_release`. Default: 2.

    Returns:
        MpiiAnnotations: ``variable`` names the kind; ``images`` or
        ``entries`` holds the content.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: it holds neither variable (the message lists what it
            holds), or a field is malformed.
    """
    found = mat_variable_names(mat_path)
    if ANNOLIST_VAR in found:
        return MpiiAnnotations(
            variable=ANNOLIST_VAR,
            entries=load_mpii_annolist(mat_path, missing_visibility))
    if RELEASE_VAR in found:
        return MpiiAnnotations(
            variable=RELEASE_VAR,
            images=load_mpii_release(mat_path, missing_visibility))
    raise ValueError(f'{mat_path} holds neither {RELEASE_VAR!r} (the MPII '
                     f'release) nor {ANNOLIST_VAR!r} (the evaluation '
                     f'toolkit\'s ground truth); found {sorted(found)}')
