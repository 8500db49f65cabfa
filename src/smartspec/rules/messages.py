"""Every sentence the rules and their reports print, in English and Thai.

Findings keep a message id and its arguments, so one finding can be shown in either language
(``--lang``) while JSON and SARIF always carry the English text machines can match on.
"""

from __future__ import annotations

from collections.abc import Mapping

# message id -> (English, Thai). Placeholders are str.format fields; both languages use the
# same fields (a unit test holds them to it).
MESSAGES: dict[str, tuple[str, str]] = {
    # consistency rules (the English keeps the original SmartSpec command's wording, which people search for)
    "api-no-example": (
        "API {endpoint} defined but no example provided",
        "มีการกำหนด API {endpoint} แต่ไม่มีตัวอย่างการใช้งาน",
    ),
    "queue-no-metrics": (
        "Queue mentioned (\"{word}\") but no queue performance metrics",
        "มีการกล่าวถึงคิว (\"{word}\") แต่ไม่มีตัวชี้วัดประสิทธิภาพของคิว",
    ),
    "queue-no-performance-section": (
        "Queue mentioned (\"{word}\") but no queue performance metrics: "
        "the spec has no Performance Requirements section",
        "มีการกล่าวถึงคิว (\"{word}\") แต่ไม่มีตัวชี้วัดประสิทธิภาพของคิว: "
        "สเปกไม่มีหัวข้อข้อกำหนดด้านประสิทธิภาพ",
    ),
    "transaction-no-integration-tests": (
        "Transactions mentioned (\"{word}\") but no integration tests defined",
        "มีการกล่าวถึงธุรกรรม (\"{word}\") แต่ไม่ได้กำหนดการทดสอบแบบบูรณาการ",
    ),
    "transaction-no-testing-section": (
        "Transactions mentioned (\"{word}\") but no integration tests defined: "
        "the spec has no Testing section",
        "มีการกล่าวถึงธุรกรรม (\"{word}\") แต่ไม่ได้กำหนดการทดสอบแบบบูรณาการ: "
        "สเปกไม่มีหัวข้อการทดสอบ",
    ),
    "external-api-no-retry": (
        "External API mentioned (\"{word}\") but no retry policy defined",
        "มีการกล่าวถึง API ภายนอก (\"{word}\") แต่ไม่ได้กำหนดนโยบายการลองใหม่",
    ),
    "external-api-no-implementation-section": (
        "External API mentioned (\"{word}\") but no retry policy defined: "
        "the spec has no Implementation Guide section",
        "มีการกล่าวถึง API ภายนอก (\"{word}\") แต่ไม่ได้กำหนดนโยบายการลองใหม่: "
        "สเปกไม่มีหัวข้อแนวทางการพัฒนา",
    ),
    "auth-no-security": (
        "Authentication mentioned (\"{word}\") but no security section",
        "มีการกล่าวถึงการยืนยันตัวตน (\"{word}\") แต่ไม่มีหัวข้อความปลอดภัย",
    ),
    # structural rules
    "section-missing": (
        "Required section \"{title}\" ({key}) is missing",
        "ไม่มีหัวข้อที่จำเป็น \"{title}\" ({key})",
    ),
    "critical-tag": (
        "{detail}",
        "แท็ก critical ไม่ถูกต้อง: {detail}",
    ),
    "critical-not-wrapped": (
        "Section \"{title}\" is critical but not inside <!-- @critical {name} --> "
        "... <!-- @end-critical -->",
        "หัวข้อ \"{title}\" เป็นหัวข้อสำคัญ (critical) แต่ไม่ได้อยู่ภายใน "
        "<!-- @critical {name} --> ... <!-- @end-critical -->",
    ),
    "critical-wrong-name": (
        "Section \"{title}\" is tagged @critical {found}; expected @critical {name}",
        "หัวข้อ \"{title}\" ติดแท็ก @critical {found} แต่ควรเป็น @critical {name}",
    ),
    "critical-crosses-section": (
        "Critical block \"{name}\" opened on line {opened} closes on line {closed}, "
        "inside another section; a critical block must end in the section it starts",
        "บล็อก critical \"{name}\" เปิดที่บรรทัด {opened} แต่ปิดที่บรรทัด {closed} "
        "ซึ่งอยู่ในหัวข้ออื่น บล็อก critical ต้องปิดในหัวข้อเดียวกับที่เปิด",
    ),
    "settings-problem": (
        "{detail}",
        "ความคิดเห็นการตั้งค่า smartspec: {detail}",
    ),
    "settings-invalid": (
        "The smartspec settings comment is invalid: {detail}",
        "ความคิดเห็นการตั้งค่า smartspec ไม่ถูกต้อง: {detail}",
    ),
    "related-unresolved": (
        "Related spec {spec_id} is not in the index ({index})",
        "ไม่พบสเปกที่เกี่ยวข้อง {spec_id} ในดัชนี ({index})",
    ),
    "critical-changed": (
        "Critical section \"{title}\" ({name}) was changed outside smartspec: its text no "
        "longer matches the registry",
        "หัวข้อสำคัญ \"{title}\" ({name}) ถูกแก้ไขนอก smartspec: "
        "เนื้อหาไม่ตรงกับที่บันทึกไว้ในรีจิสทรี",
    ),
    "placeholder": (
        "Unfilled placeholder {text}",
        "มีข้อความตัวยึดที่ยังไม่ได้กรอก {text}",
    ),
    # semantic rules
    "interface-missing-method": (
        "{call} is called, but {type} (declared on line {line}) has no method {method}; "
        "it declares: {members}",
        "มีการเรียก {call} แต่ {type} (ประกาศที่บรรทัด {line}) ไม่มีเมธอด {method} "
        "เมธอดที่ประกาศไว้: {members}",
    ),
    "money-float": (
        "Money field {field} is typed {type}, a floating-point type; use DECIMAL/NUMERIC "
        "or integer minor units",
        "ฟิลด์เงิน {field} ใช้ชนิด {type} ซึ่งเป็นทศนิยมแบบ floating-point "
        "ควรใช้ DECIMAL/NUMERIC หรือจำนวนเต็มในหน่วยย่อย",
    ),
    "example-unknown-field": (
        "Example field \"{field}\" is not a column of table {table} and is not documented "
        "anywhere else in the spec",
        "ฟิลด์ \"{field}\" ในตัวอย่างไม่ใช่คอลัมน์ของตาราง {table} "
        "และไม่มีการอธิบายไว้ที่อื่นในสเปก",
    ),
    "status-not-allowed": (
        "Value \"{value}\" of {column} is not in the schema's CHECK/enum list ({allowed})",
        "ค่า \"{value}\" ของ {column} ไม่อยู่ในรายการ CHECK/enum ของสคีมา ({allowed})",
    ),
    "xref-section": (
        "Cross-reference to {ref} does not match any heading in the spec",
        "การอ้างอิง {ref} ไม่ตรงกับหัวข้อใดในสเปก",
    ),
    "xref-anchor": (
        "Link to {anchor} does not match any heading's anchor in the spec",
        "ลิงก์ไปยัง {anchor} ไม่ตรงกับ anchor ของหัวข้อใดในสเปก",
    ),
    "endpoint-undefined": (
        "Endpoint {endpoint} is used here but is not in the API specification",
        "มีการใช้ endpoint {endpoint} ที่นี่ แต่ไม่มีในข้อกำหนด API",
    ),
    "er-missing-table": (
        "Table {table} is created in the schema but missing from the ER diagram",
        "ตาราง {table} ถูกสร้างในสคีมาแต่ไม่มีในแผนภาพ ER",
    ),
    "er-unknown-entity": (
        "ER diagram entity {entity} has no CREATE TABLE in the schema",
        "entity {entity} ในแผนภาพ ER ไม่มี CREATE TABLE ในสคีมา",
    ),
    "service-not-component": (
        "Per-service target for \"{service}\", which is not a component of the architecture",
        "มีเป้าหมายรายบริการสำหรับ \"{service}\" ซึ่งไม่ใช่ส่วนประกอบในสถาปัตยกรรม",
    ),
    "percentile-order": (
        "{high} ({high_value}) is lower than {low} ({low_value}); a higher percentile cannot "
        "be faster",
        "{high} ({high_value}) ต่ำกว่า {low} ({low_value}) "
        "เปอร์เซ็นไทล์ที่สูงกว่าไม่สามารถเร็วกว่าได้",
    ),
    "availability-downtime": (
        "Availability {availability} does not match the stated downtime \"{downtime}\"",
        "ความพร้อมใช้งาน {availability} ไม่ตรงกับเวลาหยุดทำงานที่ระบุ \"{downtime}\"",
    ),
    "retry-over-deadline": (
        "Retry schedule {schedule} waits {total} in total, longer than the {deadline} "
        "deadline stated on line {line}",
        "ตารางการลองใหม่ {schedule} รอรวม {total} นานกว่ากำหนดเวลา {deadline} "
        "ที่ระบุไว้ในบรรทัด {line}",
    ),
    "pool-over-limit": (
        "Connection pool {pool} per instance x {instances} instances = {total} connections "
        "exceeds the stated limit of {limit} (pool stated on line {line})",
        "connection pool {pool} ต่ออินสแตนซ์ x {instances} อินสแตนซ์ = {total} การเชื่อมต่อ "
        "เกินขีดจำกัดที่ระบุไว้ {limit} (ระบุ pool ไว้ที่บรรทัด {line})",
    ),
    "document-empty": (
        "The spec is empty",
        "สเปกว่างเปล่า",
    ),
    "document-headings-only": (
        "The spec has only headings and no content",
        "สเปกมีเพียงหัวข้อ ไม่มีเนื้อหา",
    ),
}

# Words of the console and Markdown reports.
LABELS: dict[str, tuple[str, str]] = {
    "title": ("🔍 Consistency Check Results:", "🔍 ผลการตรวจสอบความสอดคล้อง:"),
    "error": ("❌ ERROR:", "❌ ข้อผิดพลาด:"),
    "warn": ("⚠️  WARN:", "⚠️  คำเตือน:"),
    "pass": ("✅ PASS:", "✅ ผ่าน:"),
    "skip": ("➖ SKIP:", "➖ ข้าม:"),
    "fix": ("fix:", "วิธีแก้:"),
    "fix-column": ("Fix", "วิธีแก้"),
    "summary": ("Summary:", "สรุป:"),
    "disabled": ("validation is disabled", "ปิดการตรวจสอบอยู่"),
    "report": ("Validation Report", "รายงานการตรวจสอบ"),
    "file": ("File", "ไฟล์"),
    "spec": ("Spec", "สเปก"),
    "result": ("Result", "ผลลัพธ์"),
    "findings": ("Findings", "สิ่งที่พบ"),
    "passed-checks": ("Passed Checks", "การตรวจสอบที่ผ่าน"),
    "skipped-checks": ("Skipped Checks", "การตรวจสอบที่ข้าม"),
    "severity": ("Severity", "ระดับ"),
    "line": ("Line", "บรรทัด"),
    "rule": ("Rule", "กฎ"),
    "message": ("Message", "ข้อความ"),
    "generated": ("Generated", "สร้างเมื่อ"),
    "none": ("None.", "ไม่มี"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "th" else pair[0]


def message(message_id: str, args: Mapping[str, str], lang: str = "en") -> str:
    return _pick(MESSAGES[message_id], lang).format(**args)


def label(key: str, lang: str = "en") -> str:
    return _pick(LABELS[key], lang)


def count(n: int, what: str, lang: str = "en") -> str:
    """'1 error', '2 warnings', '10 checks passed' (en); 'ข้อผิดพลาด 2 รายการ' (th)."""
    if lang == "th":
        word = {"error": "ข้อผิดพลาด", "warning": "คำเตือน", "passed": "ผ่าน",
                "file": "ไฟล์", "failed": "ไฟล์ที่มีข้อผิดพลาด"}[what]
        return f"{word} {n} รายการ"
    if what == "passed":
        return f"{n} check{'' if n == 1 else 's'} passed"
    if what == "failed":
        return f"{n} with errors"
    return f"{n} {what}{'' if n == 1 else 's'}"
