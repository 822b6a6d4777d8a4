"""Extraction health without goldens: what a coordinator would have to fix, per carried plan.

    python bench/extraction_health.py            # every plan under tests/data/plans
    python bench/extraction_health.py -v         # and the offending names and tasks

For every .txt and .docx plan the repository carries (tests/data/plans/**; plans in the labelled
sets that have no golden yet are held out for a blind measure and skipped), it extracts the plan
as `kehoach extract` does and counts:
- tasks, and the share of them with a lead body (lead%);
- body names as written (unregistered) that are sentences: a lower-case verb inside, or
  more than 14 words (20 for a person's post, 24 for a group named by a relative clause:
  "Các cơ quan, đơn vị được giao chủ trì"; names joined by "và" each on its own): "sent.";
- tasks that are not duties: closing formulas, award quotas, column-number rows, recipients,
  signature blocks, web-page debris: "notduty";
- the share of tasks with a date or a recurrence (dated%), and of those dated only by inference
  from the plan's period (infer%);
- sections under "Tổ chức thực hiện" that yielded no task (a closing formula's own number
  excepted): "empty".
The bad columns (sent., notduty, empty) should read 0. The detectors here are written apart from
the parser's own rules, so the parser does not grade itself.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLANS = ROOT / "tests" / "data" / "plans"
FORMATS = (".txt", ".docx")

_VERB = re.compile(
    r"(?<!\w)(?:chủ trì|phối hợp|tham mưu|thực hiện|triển khai|xây dựng|báo cáo|hướng dẫn"
    r"|kiểm tra|bảo đảm|đảm bảo|có trách nhiệm|chịu trách nhiệm|theo dõi|tổng hợp|đề xuất"
    r"|rà soát|tuyên truyền|được|nghiên cứu|ban hành|giao|căn cứ|đẩy nhanh|tiên phong|kiểm soát"
    r"|phát động|chậm nhất|bằng|trong phạm vi)(?!\w)"
)
_NOT_DUTY = re.compile(
    r"^(?:Trên đây là|Nơi nhận|(?-i:TM\.|KT\.|TL\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC))"
    r"|^Yêu cầu (?:các|Thủ trưởng|Giám đốc|Chủ tịch)[^.]{0,160}(?:nghiêm túc|triển khai thực hiện)"
    r"|(?:nếu|trường hợp) có (?:khó khăn|vướng mắc|phát sinh)"
    r"|^(?:Không quá|Tối đa)\s+\d+\s+(?:cá nhân|tập thể|đơn vị|người)"
    r"|^[\s|()\d.,]*$"
    r"|Đang tải văn bản|^[.…\s]{3,}$|Tải về|Đăng nhập",
    re.I,
)
# the part IS the implementation section: "Tổ chức thực hiện", "Kinh phí và tổ chức thực hiện"
_ASSIGN = re.compile(r"^(?:.*\svà\s)?tổ chức thực hiện", re.I)


@dataclass
class Health:
    name: str
    tasks: int = 0
    led: int = 0
    dated: int = 0
    inferred: int = 0
    sentences: list[str] = field(default_factory=list)
    not_duties: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)

    def add(self, other: Health) -> None:
        self.tasks += other.tasks
        self.led += other.led
        self.dated += other.dated
        self.inferred += other.inferred
        self.sentences += other.sentences
        self.not_duties += other.not_duties
        self.empty += other.empty

    def row(self) -> str:
        def share(count: int) -> str:
            return f"{100 * count / self.tasks:5.1f}%" if self.tasks else "   -  "

        return (
            f"{self.name[:58]:<58} {self.tasks:>5} {share(self.led):>6} "
            f"{len(self.sentences):>5} {len(self.not_duties):>7} {share(self.dated):>6} "
            f"{share(self.inferred):>6} {len(self.empty):>5}"
        )


HEADER = (
    f"{'plan':<58} {'tasks':>5} {'lead%':>6} {'sent.':>5} {'notduty':>7} {'dated%':>6} "
    f"{'infer%':>6} {'empty':>5}"
)


def carried_plans() -> list[Path]:
    """Every plan document under tests/data/plans, minus the unlabelled held-out ones."""
    out = []
    for path in sorted(PLANS.rglob("*")):
        if path.suffix not in FORMATS or not path.is_file():
            continue
        labelled_set = path.parent.name != "corpus"
        if labelled_set and not path.with_suffix(".expected.json").exists():
            continue  # waiting to be labelled blind: the parser must not be run on it
        out.append(path)
    return out


_PERSON = re.compile(r"^(?:Các\s+)?(?:[Đđ]ồng chí|Phó|(?i:chuyên viên|cán bộ|công chức)|Trưởng)")
# a group named by a relative clause: "Các cơ quan, đơn vị được giao chủ trì", "Các doanh
# nghiệp hoạt động trong lĩnh vực …", "Đối tượng thực hiện kiểm kê": collective head nouns,
# then a clause that says which of them are meant
_GROUP = re.compile(
    r"^(?:(?i:các|những)\s+)?(?i:cơ quan|đơn vị|địa phương|tổ chức|doanh nghiệp|đối tượng"
    r"|chủ đầu tư|thành viên|ngành)(?:,\s*(?:cơ quan|đơn vị|địa phương|tổ chức|doanh nghiệp))*"
    r"\s+(?:được giao|được phân công|được cử|có liên quan|liên quan|phối hợp|chủ trì"
    r"|thực hiện|hoạt động|tham gia|thuộc)(?!\w)"
)
# a clause of its own inside a group's description: the name has become a sentence
_MAIN_CLAUSE = re.compile(
    r"(?<!\w)(?:có trách nhiệm|chịu trách nhiệm|căn cứ|chậm nhất|trước ngày|định kỳ|khẩn trương"
    r"|chủ động|tham mưu|báo cáo|đề xuất|hướng dẫn|theo dõi)(?!\w)",
    re.I,
)
# "Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội": two names, one heading
_AND_NAMES = re.compile(r"\s+và\s+(?=các\s|[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ])")


def _words(name: str) -> int:
    return len([w for w in name.split() if w.isalnum()])


def sentence_like(name: str) -> bool:
    """A lower-case verb inside ("Sở X phát động …"; "Sở Xây dựng" is a name), or too long
    for a body: official names reach about a dozen words ("Ngân hàng Nhà nước Việt Nam Chi
    nhánh Khu vực II"); a person's post with its field of work is a designation, not a duty,
    and so is a group named by a relative clause, within a bound and with no clause of its own.
    Names joined by "và" ("A và các B") are judged each on its own."""
    if _PERSON.match(name):
        return _words(name) > 20
    if _GROUP.match(name):
        return _words(name) > 24 or bool(_MAIN_CLAUSE.search(name))
    parts = _AND_NAMES.split(name)
    if len(parts) > 1:
        return any(sentence_like(part) for part in parts)
    return (
        bool(_VERB.search(re.sub(r"cơ quan\s+(?:quan\s+)?tham mưu", "", name))) or _words(name) > 14
    )


def health(path: Path, plan) -> Health:  # type: ignore[no-untyped-def]
    report = Health(str(path.relative_to(PLANS)))
    report.tasks = len(plan.tasks)
    report.led = sum(1 for t in plan.tasks if t.lead)
    report.dated = sum(1 for t in plan.tasks if t.due or t.recurrence)
    report.inferred = sum(1 for t in plan.tasks if t.inferred_due is not None)
    # registered bodies carry the registry's name; only names as written can be sentences
    names = {b.name for b in plan.bodies if not b.registered}
    report.sentences = sorted(n for n in names if sentence_like(n))
    report.not_duties = [
        f"{t.id} (dòng {t.line}): {t.text[:90]}" for t in plan.tasks if _NOT_DUTY.search(t.text)
    ]
    report.empty = _empty_sections(plan)
    return report


def _empty_sections(plan) -> list[str]:  # type: ignore[no-untyped-def]
    """Sections under "Tổ chức thực hiện" with no task in them or below them."""
    parent = {s.key: s.parent for s in plan.sections}
    roots = {s.key for s in plan.sections if s.parent is None and _ASSIGN.search(s.title)}
    roots |= {
        s.key for s in plan.sections if s.label.strip(".").isupper() and _ASSIGN.search(s.title)
    }

    def chain(key: str | None) -> list[str]:
        out, seen = [], set()
        while key is not None and key not in seen:
            seen.add(key)
            out.append(key)
            key = parent.get(key)
        return out

    yielded = {k for t in plan.tasks for k in chain(t.section)}
    return [
        f"{s.key} {s.title[:60]}"
        for s in plan.sections
        if s.key not in yielded
        and roots.intersection(chain(s.key))
        and not _NOT_DUTY.search(s.title)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    print("command: python bench/extraction_health.py " + shlex.join(sys.argv[1:]))

    from workflows.plans.extraction import extract_file
    from workflows.registry.registry import load_registry

    registry = load_registry()
    total = Health("all plans")
    print(HEADER)
    for path in carried_plans():
        report = health(path, extract_file(path, registry).plan)
        total.add(report)
        print(report.row())
        if args.verbose:
            for label, lines in (
                ("sentence body", report.sentences),
                ("not a duty", report.not_duties),
                ("empty section", report.empty),
            ):
                for line in lines:
                    print(f"    {label}: {line}")
    print("-" * len(HEADER))
    print(total.row())


if __name__ == "__main__":
    main()
