"""The licence and the citation files say what setup.cfg and the package
say: Apache-2.0, the package's version, and the RMPE paper (Fang, Xie, Tai,
Lu, ICCV 2017, pages 2334-2343) as the preferred citation."""
import configparser
import re
from pathlib import Path

import yaml

import rmpe_mm

ROOT = Path(__file__).resolve().parents[2]
AUTHORS = ['Fang', 'Xie', 'Tai', 'Lu']


def test_license_is_the_apache_2_text_setup_cfg_names():
    text = (ROOT / 'LICENSE').read_text()
    assert 'Apache License' in text and 'Version 2.0, January 2004' in text
    assert 'END OF TERMS AND CONDITIONS' in text
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / 'setup.cfg')
    assert cfg['metadata']['license'] == 'Apache-2.0'


def test_citation_cff():
    cff = yaml.safe_load((ROOT / 'CITATION.cff').read_text())
    # the fields CFF 1.2.0 requires
    for key in ('cff-version', 'message', 'title', 'authors'):
        assert cff[key], key
    assert cff['cff-version'] == '1.2.0'
    assert str(cff['version']) == rmpe_mm.__version__
    assert cff['license'] == 'Apache-2.0'
    paper = cff['preferred-citation']
    assert paper['title'] == 'RMPE: Regional Multi-person Pose Estimation'
    assert [a['family-names'] for a in paper['authors']] == AUTHORS
    assert (paper['start'], paper['end'], paper['year']) == (2334, 2343, 2017)
    assert 'ICCV' in paper['conference']['name']


def test_readme_cites_the_paper():
    readme = (ROOT / 'README.md').read_text()
    block = re.search(r'```bibtex\n(.*?)```', readme, re.S)
    assert block, 'README.md has no BibTeX block'
    entry = re.search(r'@inproceedings\{fang2017rmpe,(.*?)\n\}', block[1],
                      re.S)
    assert entry, 'no RMPE entry'
    fields = entry[1]
    assert 'Regional Multi-person Pose Estimation' in fields
    authors = re.search(r'author\s*=\s*\{(.*?)\}', fields)[1]
    assert [a.split(',')[0].strip() for a in authors.split(' and ')] == AUTHORS
    assert re.search(r'pages\s*=\s*\{2334--2343\}', fields)
    assert re.search(r'year\s*=\s*\{2017\}', fields)
    assert 'ICCV' in fields
    assert '@misc{rmpe_mm' in block[1]  # this project
