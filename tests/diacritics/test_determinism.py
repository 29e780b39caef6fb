"""The restorer's output does not depend on the process's hash seed (set and dict orders)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kehoach import REPO_ROOT

HASH_SEEDS = ("0", "1", "2", "3", "42", "2026")

LEGACY_DUMP = """KE HOACH
Phát đ6ng phong trào thi dua “Toàn dân bao vệ an ninh T6 quoc” tren đja ban tinh
Căn cứ Quyet dinh sé 2447/QP-TTg ngày 06/11/2025 cua Thti tuớng Chính phủ;
Uy ban nhân dân tỉnh ban hanh Kế hoach véi cac noi dung nhu sau:
I. MỤC ĐÍCH, YÊU CẦU
- Phat huy strc manh t6ng hop ctia ca hệ théng chính trj va sự tham gia tích cuc ctia Nhân dân.
Liên hé: vanphong@dongthap.gov.vn, https://dongthap.gov.vn."""
"""Clean text garbled the way the legacy dumps are (marks lost, "ộ" → "6", "Đ" → "P")."""

SEED_LIKE = """TINH BINH PINH Poc 1ap - Tw do - Hanh phic
S6: 21 /KH-UBND Binh Dinh, ngay 14 thang 3 nim 2025
Can ctr Luat To chirc chinh quyén dia phuong ngay 19 thang 02 nam 2025;
Cian cir Nghi dinh s 30/2020/ND-CP ngay 05 thang 3 nam 2020 cua Chinh phtt
vé cong tac van thu; Quyét dinh s6 15/QD-UBND cta Uy ban nhan dan tinh,
Uy ban nhéan dan tinh ban hanh K¢é hoach thyc hién nhu sau:
- Nang cao nhan thire cua can b6, cong chirc vé cai cach hanh chinh;
- Bao dam trat ty, an toan xa hoi; tao nén tang virng chic cho phat trién.
- Huong tmg phong trao “Chung tay x6a nha tam, nha dot nat” trén dia ban c4 tinh."""
"""Written in the style of the real legacy OCR seeds (not taken from them)."""

_SCRIPT = """
import json, sys
from diacritics import restore
out = []
for text in json.loads(sys.stdin.read()):
    result = restore(text)
    out.append([result.text, [(t.start, t.text, t.confidence) for t in result.tokens]])
print(json.dumps(out, ensure_ascii=False))
"""


def _restored_under(hash_seed: str, texts: list[str]) -> str:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=True,
        timeout=300,
    )
    return done.stdout


def test_output_is_identical_under_six_hash_seeds() -> None:
    texts = [LEGACY_DUMP, SEED_LIKE, LEGACY_DUMP.lower()]
    outputs = {seed: _restored_under(seed, texts) for seed in HASH_SEEDS}
    first = outputs[HASH_SEEDS[0]]
    assert json.loads(first)[0][0].startswith("KẾ HOẠCH")  # it really restored something
    assert all(out == first for out in outputs.values()), {
        seed: out[:200] for seed, out in outputs.items() if out != first
    }


def test_batched_candidates_and_a_full_cache_change_nothing(monkeypatch) -> None:
    """A document's candidates built in one batch (``Generator.prefetch``) equal those built
    one token at a time, and a cache that starts over when full gives the same output."""
    from diacritics import candidates
    from diacritics.restorer import Restorer

    restorer = Restorer()
    expected = [restorer.restore(text) for text in (LEGACY_DUMP, SEED_LIKE)]
    one_by_one = Restorer()
    generator = one_by_one.generator
    for request in [("quoc", True, True), ("t6", True, True), ("ctia", True, True)]:
        alone = generator._build(*request)
        generator.prefetch([request])
        batched = generator.candidates(*request)
        assert alone.forms == batched.forms
        assert alone.ids.tolist() == batched.ids.tolist()
        assert alone.costs.tolist() == batched.costs.tolist()
    monkeypatch.setattr(candidates, "CACHE_LIMIT", 20)
    small = Restorer()
    again = [small.restore(text) for text in (LEGACY_DUMP, SEED_LIKE)]
    assert [r.text for r in again] == [r.text for r in expected]
    assert [r.tokens for r in again] == [r.tokens for r in expected]
    assert len(small.generator._cache) < len(restorer.generator._cache)  # it started over
