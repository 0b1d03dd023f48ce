import json

import pytest

from rmpe_mm.utils import naming_file


def test_value_errors_start_with_the_file():
    with pytest.raises(ValueError, match=r'^a/b.json: x must be 1$'):
        with naming_file('a/b.json'):
            raise ValueError('x must be 1')
    with pytest.raises(ValueError, match=r'^a/b.json: Expecting value'):
        with naming_file('a/b.json'):
            json.loads('[')


def test_other_errors_and_named_messages_pass_unchanged():
    with pytest.raises(ValueError, match=r'^see a/b.json$'):
        with naming_file('a/b.json'):
            raise ValueError('see a/b.json')
    with pytest.raises(KeyError):
        with naming_file('a/b.json'):
            raise KeyError('k')
    with pytest.raises(FileNotFoundError, match='^gone$'):
        with naming_file('a/b.json'):
            raise FileNotFoundError('gone')
