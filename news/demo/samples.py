"""Sample articles for the demo (`load_demo_content`), so that a newcomer's first
look shows every column filled and up to date instead of 暂无文章 and 【空栏目】.

Each is marked as a sample in its title (（示例）), its 来源 (示例内容) and its first
paragraph. `days_ago` places it in the recent past at load time, within every
column's update interval.
"""

SOURCE = "示例内容"
NOTE = "（本文为演示用的示例内容，网站正式使用前请删除或替换。）"

ARTICLES = [
    {
        "column": "bmdt",
        "days_ago": 1,
        "title": "市妇联召开网站内容建设工作会（示例）",
        "paragraphs": [
            "近日，市妇联召开网站内容建设工作会，各部门负责同志参加会议。会议通报了网站栏目更新情况，"
            "对稿件撰写、审核发布和栏目维护作了安排。",
            "会议要求，各部门要明确专人负责本部门动态的报送，做到重要活动当天有消息、每月有总结；"
            "稿件须经审核后发布，确保内容准确、用语规范。",
        ],
    },
    {
        "column": "tzgg",
        "days_ago": 2,
        "title": "关于开展“最美家庭”推荐工作的通知（示例）",
        "paragraphs": [
            "各县（市、区）妇联：",
            "为深入推进家庭文明建设，市妇联决定在全市开展“最美家庭”推荐工作。请各地结合实际，"
            "广泛发动、层层推荐，于本月底前将推荐材料报市妇联家庭和儿童工作部。",
            "联系人：某某某，电话：0000-00000000（示例）。",
        ],
    },
    {
        "column": "tzgg",
        "days_ago": 9,
        "title": "市妇联机关节假日值班安排（示例）",
        "paragraphs": [
            "节假日期间，市妇联机关安排专人值班。妇女群众如需帮助，可拨打12338妇女维权公益服务热线。",
        ],
    },
    {
        "column": "gzdt",
        "days_ago": 3,
        "title": "某某县妇联举办巾帼家政技能培训班（示例）",
        "paragraphs": [
            "为帮助妇女就业创业，某某县妇联举办为期五天的巾帼家政技能培训班，50名妇女参加培训。",
            "培训内容包括母婴护理、养老护理和收纳整理，结业后由家政企业现场招聘。",
        ],
    },
    {
        "column": "gzdt",
        "days_ago": 6,
        "title": "某某区妇联开展“美丽庭院”创建观摩活动（示例）",
        "paragraphs": [
            "某某区妇联组织各镇（街道）妇联主席开展“美丽庭院”创建观摩活动，实地参观示范户，"
            "交流创建经验。",
        ],
    },
]
