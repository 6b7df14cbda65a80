"""Column headers of the import templates, as users type them, for the tests that build import files.

(The member roster's are ``tests.utils.import_files.MEMBER_HEADERS``.)
"""

VISIT_HEADERS = [
    "所在组织编码",
    "干部姓名",
    "职务",
    "户主姓名",
    "村民小组",
    "走访日期",
    "反映问题",
    "办理情况",
    "办结日期",
]
