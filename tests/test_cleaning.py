import re
import subprocess
import sys

import pytest

from measures.cleaning import (clean, clean_document, collapse_blank_lines, drop_boilerplate_lines, drop_links,
                               is_boilerplate, normalize, normalize_line_breaks, normalize_whitespace, normalize_width,
                               remove_invisible, replace_surrogates, strip_markdown, strip_pinyin, strip_tags,
                               to_simplified, unescape_references)
from measures.splitting import split_sentences

from conftest import needs_shared, seed_files


@pytest.mark.parametrize("text, expected", [
    ("\ud800全市开展核酸检测", "\ufffd全市开展核酸检测"),
    ("核酸\udfff\ud83d", "核酸\ufffd\ufffd"),
    ("😷口罩", "😷口罩"),                          # a real astral character is not a surrogate here
    ("", ""),
])
def test_replace_surrogates(text, expected):
    assert replace_surrogates(text) == expected
    clean(text).encode("utf-8")  # the whole chain then never meets an unencodable character


@pytest.mark.parametrize("text, expected", [
    ("４月１０日，全市新增１２例", "4月10日,全市新增12例"),
    ("ＡＢＣ　核酸", "ABC 核酸"),
    ("核酸检测。", "核酸检测。"),            # CJK full stop has no ASCII twin
    ("（一）加强管控；", "(一)加强管控;"),
    ("", ""),
])
def test_normalize_width(text, expected):
    assert normalize_width(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("核\u200b酸", "核酸"),
    ("\ufeff全市\u200d开展\u2060核酸\u00ad检测\u200e", "全市开展核酸检测"),
    ("核酸 检测", "核酸 检测"),               # a real space is whitespace's business
    ("隔\x00离\x1b[0m\x7f\x9b", "隔离[0m"),       # control codes, C0, DEL and C1
    # those that are whitespace separate words: whitespace's step makes them spaces
    ("一\t二\n三\r四\x0b五\x0c六\x1f七\x85", "一\t二\n三\r四\x0b五\x0c六\x1f七\x85"),
    ("", ""),
])
def test_remove_invisible(text, expected):
    assert remove_invisible(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("全市&nbsp;开展&ldquo;应检尽检&rdquo;&hellip;", "全市 开展“应检尽检”…"),   # whitespace's step joins 市开
    ("&#20840;&#x5E02;核酸", "全市核酸"),
    ("&amp;amp;nbsp;", " "),                       # escaped twice, still decoded: cleaning is idempotent
    ("分两批&#10;开展", "分两批 开展"),             # the line was cut before: a space, not a break
    ("截至&#65307;目前", "截至;目前"),              # as width's step leaves it
    ("核&#8203;酸", "核酸"),                        # as invisible's step leaves it
    ("R&D投入，AT&T", "R&D投入，AT&T"),             # no semicolon: no reference
    ("&copy2020 &nosuch;", "&copy2020 &nosuch;"),
    ("", ""),
])
def test_unescape_references(text, expected):
    assert unescape_references(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("**作者：**张三", "作者：张三"),
    ("全市**开展**核酸检测", "全市开展核酸检测"),
    ("[原文链接](https://a.example.cn/x?id=1)", "[原文链接]"),  # the text stays, the target goes
    ("![现场图片](https://a.example.cn/x.png)全市", "![现场图片]全市"),
    ("`某某农场` 转载", "某某农场 转载"),
    ("clickfrom=w\\_yw", "clickfrom=w_yw"),
    ("3*4=12，填写____", "3*4=12，填写____"),                  # one star, underscores of a form
    ("[一]全市开展[二](续)", "[一]全市开展[二](续)"),            # brackets that are no link stay
    ("", ""),
])
def test_strip_markdown(text, expected):
    assert strip_markdown(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("详见http://www.nhc.gov.cn/xcs/a.shtml?id=1;v=2。", "详见 。"),
    ("请登录https://wjw.example.gov.cn查询", "请登录 查询"),
    ("访问WWW.GOV.CN了解", "访问 了解"),
    ("(网址:www.gov.cn/zhengce/)", "(网址: )"),    # the bracket closes the sentence's, not the address
    ("[转载自某网](https://example.org/zh/2162301/)", "[转载自某网] "),   # Markdown: the brackets it stood in go too
    ("原文链接:[https://a.cn/x](https://a.cn/x)", "原文链接:  "),
    ("【www.example.cn】通知", " 通知"),
    ("http://a.cn/x.html.", " ."),
    ("http://", "http://"),                         # no address after the scheme
    ("www..", "www.."),
    ("COVID-19 www", "COVID-19 www"),
    ("", ""),
])
def test_drop_links(text, expected):
    assert drop_links(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("長(zhǎng)春提高隔離", "長春提高隔離"),
    ("轉(zhuǎn)運(yùn)", "轉運"),
    ("區(qū)域", "區域"),
    ("世界卫生组织(WHO)表示", "世界卫生组织(WHO)表示"),    # plain Latin stays
    ("第(1)条", "第(1)条"),
    ("据《吉林日?qǐng)?bào)》报道", "据《吉林日\ufffd》报道"),   # annotation after a lost character: marked
    ("新增本地?zé)o癥狀感染者", "新增本地\ufffd癥狀感染者"),     # (无症状 without its 无 says the opposite)
    ("((zhǎng)zhǎng)", ""),                             # idempotent even when nested
])
def test_strip_pinyin(text, expected):
    assert strip_pinyin(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("長春提高隔離房間周轉效率", "长春提高隔离房间周转效率"),
    ("發佈會", "发布会"),
    ("香港衞生防護中心公布新增確診個案", "香港卫生防护中心公布新增确诊个案"),   # Hong Kong's form of 卫
    ("核酸检测", "核酸检测"),
    ("COVID-19", "COVID-19"),
])
def test_to_simplified(text, expected):
    assert to_simplified(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("  全市  开展\t核酸 ", "全市 开展 核酸"),
    ("新 冠 肺 炎", "新冠肺炎"),                       # letter spacing
    ("字体：大 中 小", "字体：大中小"),
    # a headline's clauses keep their space, two characters or more on each side, or a
    # figure's unit before it
    ("境外输入压力持续较大 做好防控措施落实是关键", "境外输入压力持续较大 做好防控措施落实是关键"),
    ("疫 情防控 措施", "疫情防控 措施"),
    ("报名人数达1071万 细化考场防疫举措", "报名人数达1071万 细化考场防疫举措"),
    ("新增3例 主要集中在城区", "新增3例 主要集中在城区"),
    ("共3 例 病 例", "共3 例病例"),                     # letter spacing after a figure
    ("3例 新", "3例新"),
    ("全市开展核酸检测。 各区", "全市开展核酸检测。各区"),
    ("COVID 19 疫情", "COVID 19 疫情"),
    ("a\n  b  \n", "a\nb\n"),
])
def test_normalize_whitespace(text, expected):
    assert normalize_whitespace(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("<p>全市开展<b>核酸检测</b>。</p>", "\n全市开展核酸检测。\n"),
    ('<div class="content"><p>第一段。</p><p>第二段。</p></div>', "\n\n第一段。\n\n第二段。\n\n"),
    ("以上<br/>以下为网友评论", "以上\n以下为网友评论"),
    ("请拨打<a href='tel:12345'>12345</a>热线。", "请拨打12345热线。"),
    ("<SPAN style=\"color:red\">紧急通知</SPAN>", "紧急通知"),
    ("<!-- 正文开始 -->全市开展核酸检测。<!-- 正文结束 -->", "全市开展核酸检测。"),
    ("<o:p></o:p>小区实行封闭管理。", "小区实行封闭管理。"),               # Word's HTML
    # a script or style element goes whole, its code being no text
    ("<script type=\"text/javascript\">var msg = '请升级浏览器'; if (a<b) {}</script>正文。", "\n正文。"),
    # over several lines only its tags go (a large file is read in pieces of whole lines),
    # and its lines of code, which hold no Chinese, are dropped by clean
    ("<style>\nbody{font-family:Arial}\n</style>正文。", "\n\nbody{font-family:Arial}\n\n正文。"),
    ("<script>var a = 1;", "\nvar a = 1;"),                                 # no end: only the tag
    # escaped (a JSONL field scraped twice) or full-width, as normalising would read it
    ("各区实行&lt;b&gt;封闭管理&lt;/b&gt;。&lt;br&gt;", "各区实行封闭管理。\n"),
    ("全市开展＜p＞核酸检测。", "全市开展\n核酸检测。"),
    ("&lt;p class=&quot;x&quot;&gt;通告。", "\n通告。"),
    ("&lt;script&gt;alert('请升级')&lt;/script&gt;正文。", "\n正文。"),
    # attributes as pages write them: a bare value with & and =, a quoted one with >
    ("<a href=/art_1.html?id=1&type=2 target=_blank>链接</a>", "链接"),
    ('<div onclick="if(a>b){}">通知。</div>', "\n通知。\n"),
    # commented-out markup goes whole, its block tags ending no line
    ('<!-- <div class="banner">旧版首页</div> -->全市开展核酸检测。', "全市开展核酸检测。"),
    # not tags: comparisons, a title in book marks, an address in brackets, an unclosed
    # bracket, a comment over a line break
    ("5岁<儿童<12岁", "5岁<儿童<12岁"),
    ("当 a<b 且 c>d 时启动应急响应。", "当 a<b 且 c>d 时启动应急响应。"),
    ("当 x < p > y 时。", "当 x < p > y 时。"),                           # HTML allows no space after <
    ("分为<A>、<B>、<C>三类。", "分为<A>、<B>、<C>三类。"),                 # one letter: lower case only
    ("年龄＜60岁、体温＞37.3℃者", "年龄＜60岁、体温＞37.3℃者"),
    ("请发送至 <p zhang@gov.cn> 邮箱。", "请发送至 <p zhang@gov.cn> 邮箱。"),
    ("《关于做好疫情防控工作的通知》", "《关于做好疫情防控工作的通知》"),
    ("<p 全市开展核酸检测。", "<p 全市开展核酸检测。"),
    ("<!-- 开始\n-->", "<!-- 开始\n-->"),
    ("<br\n>", "<br\n>"),
])
def test_strip_tags(text, expected):
    assert strip_tags(text) == expected


def test_a_row_of_buttons_that_fails_at_its_end_is_read_once():
    # every way of reading 打印 and the spaces around it was tried: 133 s for 49 characters
    code = "from measures.cleaning import clean; clean('QQ 打印 ' * 30 + '。'); clean('打印' * 200 + '打。')"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("nested, shallow_cleaned", [
    (lambda n: "<" * n + "b>" * n, "全市开展核酸检测。"),   # each tag removed closes up the one around it
    (lambda n: "(" * n + "zhǎng)" * n, "全市开展核酸检测。"),
    # a page escaped again and again, down to a space between two words, which stays
    (lambda n: "&" + "amp;" * n + "nbsp;", "全市开展 核酸检测。"),
])
def test_markup_nested_in_itself_is_removed_to_a_depth_and_no_further(nested, shallow_cleaned):
    shallow = clean("全市开展" + nested(15) + "核酸检测。")   # 16 passes: the last level is &nbsp;
    assert shallow == shallow_cleaned
    deep = clean("全市开展" + nested(2000) + "核酸检测。")
    assert deep.startswith("全市开展") and deep.endswith("核酸检测。")
    # garbage nested deeper than pages nest is left in part, not read for ever
    assert deep != shallow and len(clean(deep)) < len(deep)


def test_markup_nested_forty_thousand_deep_is_cleaned_in_passing():
    # each level took a pass over the whole line: 12 s for 8,000 levels, 5 minutes for these
    code = "from measures.cleaning import clean; clean('<' * 40_000 + 'b>' * 40_000); clean('(' * 20_000 + 'zhǎng)' * 20_000)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_text_with_tags_is_cleaned_as_its_page_would_be():
    # a JSONL record's field or a string given to tag(): tag-only pieces made sentences
    # of their own (</p>), and the markup stayed in the others
    cleaned = clean('<div class="c"><p>全市开展新一轮全员<b>核酸检测</b>。</p><p>对密接人员一律集中隔离。</p></div>')
    assert split_sentences(cleaned) == ["全市开展新一轮全员核酸检测。", "对密接人员一律集中隔离。"]
    # a block tag or a script that removing an inner tag makes is read as one, not removed
    # as an inline tag (the script's code became a sentence, and the line no break)
    assert clean("全市开展核酸检测。<scr<b>ipt>var a=1;</scr<b>ipt>各区加强管控。") == "全市开展核酸检测。\n各区加强管控。"
    assert clean("全市开展核酸检测。<<b>p>各区加强管控。") == "全市开展核酸检测。\n各区加强管控。"


@pytest.mark.parametrize("line, expected", [
    ("分享到微信", True),
    ("分享到：微信 微博 QQ空间", True),
    ("分享到:微信微博 QQ空间 朋友圈", True),
    ("通过微信公众号和微博发布每日疫情信息。", False),   # where a notice is published is content
    ("版权所有 蒲公英文摘 www.example.com", True),
    ("京ICP备12345678号", True),
    ("沪公网安备31010602000299号", True),
    ("【责任编辑:张三】", True),
    ("来源: 中国日报网", True),
    ("来源：某市发布 今日，全区对农贸市场开展全面消杀", False),  # a byline glued to the story
    ("2022-03-21 13:54", True),
    ("您需要登录才可以下载或查看,没有帐号?注册", True),
    ("发表于 2022-4-11 16:44 来自手机 | 只看该作者", True),
    ("- +1", True),
    ("All residents must be tested.", True),          # no Chinese: the model reads Chinese only
    ("www.精品视频,久久在线播放,免费福利,午夜视频,高清字幕", True),
    ("全市开展新一轮全员核酸检测，确保不漏一户、不落一人。", False),
    # a repost's credits and disclaimer, Markdown's italics around one
    ("免责声明：本文内容仅代表作者个人观点，平台不承担任何法律风险。", True),
    ("撰稿：某某", True),
    ("审核校对：Barry Jack", True),
    ("*审核：Gradient Boost*", True),
    # bylines in brackets on a line of their own; a bracket that is text stays
    ("(来源:人民网)", True),
    ("(记者张晓荣)", True),
    ("(中国日报吉林记者站)", True),
    ("(二)加强流调溯源", False),
    ("(记者从市疫情防控指挥部获悉,全市今日新增确诊病例3例。)", False),
    # measures a footer's or a spam line's words do not take away
    ("实行免费接种、免费检测、免费救治、免费隔离。", False),
    ("对欧美、日韩等国家入境人员实行集中隔离、免费检测、免费治疗，视频随访。", False),
    ("市疫情防控指挥部设立24小时举报联系电话：0431-88888888。", False),
    ("联系电话：0431-88888888", True),
    ("对违反疫情防控规定的行为进行举报。", False),            # 举报 inside a sentence is content
    ("来源地为高风险地区的人员须持48小时核酸阴性证明。", False),
    # a notice on one line whose last sentence is a contact line: the notice stays
    ("关于开展全员核酸检测的通告。全市自4月1日起开展全员核酸检测，请居民就近采样。各区咨询联系电话：12345。", False),
    # most of the line is the copyright notice: it goes
    ("版权所有：某某网。未经授权禁止转载。如需使用请联系。", True),
    # a policy sentence that offers free testing, a download and video meetings is not spam
    ("对复工复产企业免费提供检测服务，本地企业下载健康码，组织视频会议，分批返岗。", False),
    # a site's licence numbers and feedback links are chrome; permits and feedback channels
    # that a notice talks about are not
    ("互联网新闻信息服务许可证:11120180002", True),
    ("网络文化经营许可证 京网文〔2021〕0001-001号", True),
    ("信息网络传播视听节目许可证号：0105101", True),
    ("出版物经营许可证 新出发沪批字第U0001号", True),
    ("关于我们 | 意见反馈 | 联系我们", True),
    ("首页意见反馈网站地图", True),                 # the spaces between links gone in cleaning
    ("【意见反馈】", True),
    ("意见反馈", True),
    ("意见反馈邮箱：fk@example.com", True),
    ("给本网提意见:news@example.com", True),
    ("返乡人员须持社区开具的通行许可证进出。", False),
    ("全市已为复工企业发放通行许可证3000余张。", False),
    ("对违规接诊发热患者的个体诊所，依法吊销其执业许可证。", False),
    ("畅通群众意见反馈渠道，及时回应社会关切。", False),
    ("欢迎广大市民给防控工作提意见、出主意。", False),
    # headings, items and sentences without end punctuation that name a permit or feedback
    ("关于办理复工复产通行许可证的通知", False),
    ("(三)严格执行通行许可证制度", False),
    ("持有效通行许可证的车辆方可进出小区", False),
    ("第三条 未取得营业许可证的单位不得复工", False),
    ("各区县要做好群众意见反馈工作", False),
    ("全面落实意见反馈机制：", False),
    # footers with commas or semicolons between their parts
    ("互联网新闻信息服务许可证：31120170002，出版物经营许可证：新出发沪批字第U0001号", True),
    ("网络文化经营许可证：京网文〔2021〕0001-001号；广播电视节目制作经营许可证：（京）字第001号", True),
    ("首页 | 意见反馈 | 网站地图, 手机版", True),
    ("意见反馈：请发邮件至 fk@example.com。", True),
    # a sentence that names its contact number, an account to log in to or copyright as a
    # subject is a notice's, not a footer's; a permit in brackets is not a licence number
    ("凡4月1日以来有长春市旅居史的人员，请立即向所在社区报备，联系电话：0431-12345678。", False),
    ("来自中高风险地区的人员，您需要登录“吉事办”小程序如实填报健康信息。", False),
    ("要加强知识产权和版权保护，优化营商环境，全力支持企业复工复产。", False),
    ("(三)持通行许可证(纸质版或电子版)的车辆方可进出小区", False),
    ("长春已为保供企业发放通行许可证3000余张", False),
    # one sentence of a story with the byline glued after it
    ("全市开展全员核酸检测，请居民就近采样。责任编辑：张三", False),
    ("联系人：张敏，联系电话：0531-8888xxxx", True),
    ("广播电视节目制作经营许可证(京)字第1282号", True),
    ("? 2014-2025 上海东方报业有限公司", True),    # a © lost to decoding, then a "?"
    # government portals and bylines
    ("当前位置:首页 > 政务公开 > 通知公告", True),
    ("首页 > 新闻中心 > 通知公告", True),                 # a breadcrumb without its heading
    ("首页>>政务公开>>通知公告", True),
    # an app's path in a notice's step is text
    ("首页→核酸检测→预约采样，选择就近采样点并按预约时段前往。", False),
    ("首页 / 核酸结果查询：输入身份证号即可查询最近一次检测结果。", False),
    ("首页 > 通知公告 > 正文 关于加强疫情防控的通告 全市开展新一轮全员核酸检测。", False),
    ("网站地图 | 联系我们 | 关于我们", True),
    ("首页 | 新闻 | 国内 | 国际 | 登录 | 注册", True),       # a site's menu
    ("请登录后发表评论", True),
    ("首页是市民了解防疫政策的窗口。", False),
    # rows of short words a notice or a table holds, and rules on comments, are text
    ("停课|停工|停业|停运", False),
    ("东城区|西城区|朝阳区|海淀区", False),
    ("四早：早发现|早报告|早隔离|早治疗", False),
    ("朝阳区 | 将台地区 | 驼房营南里 | 高风险区", False),
    ("地区 | 新增确诊 | 新增无症状 | 累计确诊", False),
    ("湖北 | 新增 | 3 | 累计 | 67802", False),
    ("各平台须落实实名制，用户登录后方可发表评论。", False),
    ("登录后请如实填报健康信息。", False),
    ("【字体:大中小】浏览次数:1234", True),
    ("打印本页关闭窗口", True),
    ("扫一扫在手机打开当前页", True),
    ("主办:某市人民政府办公室 承办:某市大数据局", True),
    ("网站标识码:3701000043", True),
    ("编辑:张敏审核:王立", True),
    ("记者:张三通讯员:李四", True),
    ("责编:张三", True),
    ("本报记者:张三", True),
    ("本台特约记者:王五李四", True),
    ("本报记者:为什么要开展全员核酸检测?", False),   # a question put, not a byline
    ("本台记者:核酸检测免费吗?", False),
    ("记者:学校何时复课?", False),
    # words of chrome that policy sentences use too: chrome only in chrome's shape
    ("禁止转载、传播未经证实的涉疫信息，对造谣传谣者依法处理。", False),
    ("本文禁止转载。", True),
    ("市民登录后才可以查询本人核酸检测结果。", False),
    ("您需要登录后在首页选择就近的采样点进行预约。", False),
    ("没有账号注册的老年人可由社区工作人员代为预约接种。", False),
    ("登录后才可以回帖 登录 | 注册", True),
    ("没有账号？立即注册", True),
    ("12345热线对群众反映的涉疫诉求做到快速回复、及时办理。", False),
    ("回复 支持 反对 快速回复", True),
    ("对增值电信业务经营许可证到期的企业，有效期顺延至疫情结束后三个月。", False),
    ("增值电信业务经营许可证：京B2-20090059", True),
    ("主办单位：市卫健委，活动期间所有人员须持48小时核酸阴性证明。", False),
    ("主办单位：某市人民政府办公室，地址：某市人民路1号", True),
    ("各区心理援助热线联系电话：0431-12345678", False),
    ("上一篇报道中提到的集中隔离点已全部启用。", False),
    ("上一篇：关于做好春节期间疫情防控工作的通知", True),
    ("下一篇", True),
    ("上一篇 关于做好春节期间疫情防控工作的通知", True),   # the space goes in cleaning
    ("本站原创文章，禁止转载，违者必究", True),
    ("各网站平台对未经核实的疫情信息一律禁止转载。", False),
    ("主办单位：某市人民政府办公室；承办单位：某市大数据中心", True),
    ("网站热线联系电话：0431-88888888", True),
    ("增值电信业务经营许可证（京B2-20090059）", True),
    ("增值电信业务经营许可证2022年底前到期的企业，有效期自动顺延6个月。", False),
    ("快速回复 | 返回列表", True),
    ("请登录后才可以查看帖子内容", True),
    ("各平台须落实实名制，用户实名登录后才可以发表评论。", False),
    ("没有账号立即注册的，可在现场登记。", False),
    ("各网络平台要加强内容审核，涉疫信息未经官方同意一律禁止转载，对造谣传谣者依法严肃处理。", False),
    ("市疫情防控指挥部要求，未经许可禁止转载、擅自发布涉疫信息。", False),
    ("对涉疫谣言信息一律禁止转载。", False),
    ("网络平台须落实实名制，用户登录后才可以发表评论", False),
    ("本网站所有内容，未经授权禁止转载", True),
    ("未经许可禁止转载，违者必究", True),
    ("登录后才可以回复哦！", True),
    ("快速回复主题", True),
    ("发表回复 快速回复", True),
    ("主办单位：某某市卫生健康委员会 | 网站地图 | 使用须知 | 联系我们", True),
    ("主办：某某市人民政府 承办：某某市政务服务数据管理局 建议使用1366×768分辨率，请使用谷歌浏览器", True),
    ("【打印】【关闭】", True),
    # the long forms of the same buttons in their brackets, alone or in a row
    ("【打印本页】【关闭窗口】", True),
    ("【收藏】【打印此页】【关闭本页】", True),
    ("[打印本页] [关闭窗口]", True),
    ("[ 打印 ] [ 关闭 ]", True),
    ("[ 打印本页 ] [ 关闭窗口 ]", True),
    ("打印本页后关闭窗口。", False),
    # a WeChat article's prompts and buttons
    ("点击蓝字关注我们", True),
    ("点击上方“健康某市”关注我们！", True),
    ("长按识别二维码关注我们", True),
    ("长按识别二维码", True),
    ("微信扫一扫关注该公众号", True),
    ("预览时标签不可点", True),
    ("继续滑动看下一个", True),
    ("轻触阅读原文", True),
    ("点赞在看分享", True),
    ("分享 收藏 点赞 在看", True),
    ("请居民扫描二维码预约核酸检测。", False),   # a notice's instruction, not a prompt to follow
    ("扫描二维码关注“健康某市”公众号，及时了解最新防控政策。", False),
    ("关注微信公众号获取核酸检测点信息。", False),
])
def test_is_boilerplate(line, expected):
    assert is_boilerplate(line) is expected


@pytest.mark.parametrize("text, expected", [
    # a byline or footer glued to a story's last sentence goes, not the story
    ("对密接人员一律集中隔离。【责任编辑：王翔】", "对密接人员一律集中隔离。"),
    ("全市开展新一轮全员核酸检测。(责任编辑:王翔)", "全市开展新一轮全员核酸检测。"),
    ("要落实疫情防控措施,做好核酸检测。本文版权所有,未经授权禁止转载。", "要落实疫情防控措施,做好核酸检测。"),
    ("当日解除医学观察187人,共有1511人正在接受医学观察。(某省卫健委)", "当日解除医学观察187人,共有1511人正在接受医学观察。"),
    ("对密接人员一律集中隔离。编辑：张敏。责任编辑：王翔。", "对密接人员一律集中隔离。"),     # bylines only follow
    ('他说：“全市开展核酸检测。”责任编辑：王翔', '他说：“全市开展核酸检测。”'),       # the quote stays
    # glued to a last sentence without its end mark: that sentence stayed with the byline
    ("对密接人员一律集中隔离【责任编辑：王翔】", "对密接人员一律集中隔离"),
    ("全市开展核酸检测。对密接人员一律集中隔离【责任编辑：王翔】", "全市开展核酸检测。对密接人员一律集中隔离"),
    ("全市开展核酸检测,对密接人员一律集中隔离（记者 张三）", "全市开展核酸检测,对密接人员一律集中隔离"),
    ("对密接人员一律集中隔离 责任编辑：王翔 李四", "对密接人员一律集中隔离"),
    ("关于做好防控工作的通知(试行)", "关于做好防控工作的通知(试行)"),       # no byline's word: a title's
    ("【责任编辑：王翔】", ""),
    # a one-line document's last sentence, without its end mark, is kept
    ("全市开展新一轮全员核酸检测。对密接人员一律集中隔离。责任编辑：王翔。各区要继续做好疫苗接种工作",
     "全市开展新一轮全员核酸检测。对密接人员一律集中隔离。各区要继续做好疫苗接种工作"),
    # a notice on one line keeps its text, not its byline, wherever that is
    ("关于开展全员核酸检测的通告。责任编辑：张三。全市自4月1日起开展全员核酸检测，请居民就近采样。",
     "关于开展全员核酸检测的通告。全市自4月1日起开展全员核酸检测，请居民就近采样。"),
    # a footer of several sentences goes whole, the remark among them too
    ("版权所有：某某网。未经授权禁止转载。如需使用请联系。", ""),
    ("全市开展核酸检测。\n分享到微信", "全市开展核酸检测。"),
    # a one-line page that opens with its breadcrumb keeps its story
    ("首页 > 通知公告 > 正文 关于进一步加强疫情防控工作的通告 全市开展新一轮全员核酸检测。各区要做好采样点设置。对密接人员一律集中隔离。",
     "首页 > 通知公告 > 正文 关于进一步加强疫情防控工作的通告 全市开展新一轮全员核酸检测。各区要做好采样点设置。对密接人员一律集中隔离。"),
    # a rule on comments among rumour-control sentences keeps its line
    ("网信部门要加强网络舆情监测。各平台须落实实名制，用户登录后方可发表评论。对散布谣言的，依法查处。",
     "网信部门要加强网络舆情监测。各平台须落实实名制，用户登录后方可发表评论。对散布谣言的，依法查处。"),
    ("全市开展核酸检测。", "全市开展核酸检测。"),
    # a one-line page that opens with a portal's header or a byline keeps its story whole
    ("字体:大中小全市开展新一轮全员核酸检测,各区要在4月12日前完成采样。对密接人员一律集中隔离。",
     "全市开展新一轮全员核酸检测,各区要在4月12日前完成采样。对密接人员一律集中隔离。"),
    ("发布时间:2022-04-10 浏览次数:1234 全市开展新一轮全员核酸检测。各区要做好采样点设置。",
     "全市开展新一轮全员核酸检测。各区要做好采样点设置。"),
    ("【责任编辑:王翔】全市开展新一轮全员核酸检测,各区要做好采样。", "全市开展新一轮全员核酸检测,各区要做好采样。"),
    ("发布时间:2022-04-10 来源:人民网", ""),            # a header and nothing after it
    ("字体:大中小【打印】【关闭】全市开展新一轮全员核酸检测,各区要做好采样。对密接人员一律集中隔离。",
     "全市开展新一轮全员核酸检测,各区要做好采样。对密接人员一律集中隔离。"),
    # a date that opens the story is the story's, not a header
    ("时间:2022年4月10日起,全市暂停堂食。【责任编辑:王翔】", "时间:2022年4月10日起,全市暂停堂食。"),
    ("时间:2022年4月10日前完成全员接种。浏览次数:12", "时间:2022年4月10日前完成全员接种。"),
    ("日期:2022-04-10 至 2022-04-20,全市暂停堂食。浏览次数:3", "日期:2022-04-10 至 2022-04-20,全市暂停堂食。"),
    ("来源:某某市卫健委发布时间:2022年4月10日浏览次数:1234 全市开展新一轮全员核酸检测,请广大市民积极参与。",
     "全市开展新一轮全员核酸检测,请广大市民积极参与。"),
    # buttons before a story on a line that is not otherwise chrome stay: nothing goes
    ("【打印】【关闭】全市开展新一轮全员核酸检测。对密接人员一律集中隔离。",
     "【打印】【关闭】全市开展新一轮全员核酸检测。对密接人员一律集中隔离。"),
])
def test_drop_boilerplate_lines(text, expected):
    assert drop_boilerplate_lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    # an address ends where it does: a folded "，" or "；" and the numbers after it stay
    ("请登录http://www.a.gov.cn，24小时内完成申报。", "请登录 ,24小时内完成申报。"),
    ("详见www.a.gov.cn；3月1日起全市开展核酸检测。", "详见 ;3月1日起全市开展核酸检测。"),
    ("访问https://a.cn:8080/x?id=1，10人1管混检。", "访问 ,10人1管混检。"),
    # Weibo's closing link goes, not the post; nor the issuer in brackets after it
    ("北京市开展全员核酸检测，请市民积极配合网页链接", "北京市开展全员核酸检测,请市民积极配合"),
    ("当日解除医学观察187人。（某省卫健委）网页链接", "当日解除医学观察187人。"),
    # a masked number is not Markdown's bold; runs of bold's stars go
    ("咨询电话：138****5678。", "咨询电话:138****5678。"),
    ("医疗救治组组****长**、市卫生健康委主任", "医疗救治组组长、市卫生健康委主任"),
    ("第****59****号公告", "第59号公告"),
    # chrome found only across two sentences (a © lost before its years): the line is
    # text, and cleaning it once raised ValueError
    ("全市开展核酸检测 ? 2014-2020 上海东方报业有限公司测试", "全市开展核酸检测 ? 2014-2020 上海东方报业有限公司测试"),
    # headings that look like a credit
    ("采集：鼻咽拭子", "采集:鼻咽拭子"),
    ("翻译：新冠疫苗接种指南", "翻译:新冠疫苗接种指南"),
])
def test_what_cleaning_keeps(text, expected):
    assert clean(text) == expected


def test_spans_of_a_line_with_its_chrome_cut_out():
    original = "对密接人员一律集中隔离。  【责任编辑：王翔】\n全市&ldquo;应检尽检&rdquo;。本文版权所有，禁止转载。"
    cleaned = clean_document(original)
    assert cleaned.text == "对密接人员一律集中隔离。\n全市“应检尽检”。"
    for a, b in [(0, 12), (13, len(cleaned.text))]:
        start, end = cleaned.to_original(a, b)
        assert normalize(original[start:end]) == cleaned.text[a:b]
    assert cleaned.to_original(13, len(cleaned.text)) == (original.index("全市"), original.index("本文"))


def test_spans_of_a_line_with_its_header_cut_off():
    original = "发布时间：2022-04-10  浏览次数：1234 全市开展核酸检测。对密接人员一律集中隔离。"
    cleaned = clean_document(original)
    assert cleaned.text == "全市开展核酸检测。对密接人员一律集中隔离。"
    assert cleaned.to_original(0, 9) == (original.index("全市"), original.index("对密接"))
    assert cleaned.to_original(9, len(cleaned.text)) == (original.index("对密接"), len(original))


STORY = ["各小区实行封闭管理,居民足不出户,生活物资由社区统一配送到户。", "",
         "对密接人员一律集中隔离,隔离期间每天开展两次核酸检测。",
         "全市暂停堂食,商场超市限流百分之五十,进入须查验健康码。"]


def test_drop_boilerplate_cuts_related_articles_at_the_end_only():
    body = "\n".join(["全市开展核酸检测,完成采样46万人。"] * 5)
    assert drop_boilerplate_lines("相关新闻\n" + body) == body
    assert drop_boilerplate_lines(body + "\n相关文章\n- 炒股就看这里") == body
    # a WeChat article's list of its account's earlier articles
    assert drop_boilerplate_lines(body + "\n往期推荐\n某区召开疫情防控工作会议") == body
    # teasers, prose among them, are the tail still; so are headlines that shout and
    # comments that open with their author, however long
    tails = [["- 某区召开会议。" + STORY[0], "某市发布通告", STORY[2], "- 来源:某报。" + STORY[3], STORY[0]],
             ["紧急提醒!这些地区来返人员须主动向社区报备并配合核酸检测,不得瞒报漏报。"] * 3,
             ["网友甲:支持政府的决定,大家一起努力,早日战胜疫情,恢复正常的生产生活秩序。"] * 3]
    for tail in tails:
        assert drop_boilerplate_lines(body + "\n" + body + "\n相关阅读\n" + "\n".join(tail)) == body + "\n" + body
    # a heading with a byline or source on its line is the heading once they go: cleaning
    # twice found it and cleaning once did not
    for heading in ("相关阅读【责任编辑：王翔】", "相关阅读（来源：人民网）", "往期推荐 责任编辑：王翔"):
        assert drop_boilerplate_lines(body + "\n" + heading + "\n某区召开会议") == body
        assert clean(body + "\n" + heading) == clean(clean(body + "\n" + heading)) == clean(body)


def test_a_digests_next_story_after_a_related_articles_heading_is_kept():
    # files that hold several articles (a day's digest, a thread saved whole): the tail
    # ends where three lines of prose run again, blank lines aside, not at the file's end
    body = "\n".join(["全市开展核酸检测,完成采样46万人。"] * 10)
    story = "\n".join(STORY)
    assert drop_boilerplate_lines(body + "\n相关阅读\n- 某区召开会议\n某市发布通告\n" + story) == body + "\n" + story
    tail = "\n最新评论\n网友甲 2022-04-11\n支持!\n"
    assert drop_boilerplate_lines(body + tail + story + tail + "- 某区召开会议") == body + "\n" + story


@pytest.mark.parametrize("text", [
    "長(zhǎng)春開展核酸檢測。\n\n\n分享到\n全市加強管控。",
    # a zero-width character inside an annotation once hid it from the first cleaning
    "長(zh\u200bǎng)春開展核酸\u00ad檢測。\n\n\n分享到\n全市加強管控。",
])
def test_clean_is_idempotent_and_keeps_paragraphs(text):
    once = clean(text)
    assert once == "长春开展核酸检测。\n\n全市加强管控。"
    assert clean(once) == once


@pytest.mark.parametrize("brk", ["\r", "\r\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"])
def test_every_kind_of_line_break_ends_a_line(brk):
    # text from JSONL or Python keeps its line breaks as they are; a byline on its own line
    # once joined the story's and took it away as chrome
    text = brk.join(["关于开展全员核酸检测的通告", "全市自4月1日起开展全员核酸检测，请居民就近采样。", "责任编辑：张三"])
    cleaned = clean_document(text)
    assert cleaned.text == "关于开展全员核酸检测的通告\n全市自4月1日起开展全员核酸检测,请居民就近采样。"
    start = cleaned.text.index("全市")
    a, b = cleaned.to_original(start, len(cleaned.text))
    assert text[a:b] == "全市自4月1日起开展全员核酸检测，请居民就近采样。"


def test_control_codes_that_are_whitespace_still_separate_words():
    # a vertical tab is Word's line break and a form feed its page break
    assert clean("参照WHO\x0b新冠指南\x0c执行。") == "参照WHO\n新冠指南\n执行。"
    assert clean("参照WHO\x1fCOVID-19\tguidance执行。") == "参照WHO COVID-19 guidance执行。"
    assert clean("隔\x00离") == "隔离"


def test_clean_document_maps_back_to_the_original():
    original = "  發佈會\n分享到\n長(zhǎng)春開展　核酸檢測。"
    cleaned = clean_document(original)
    start = cleaned.text.index("长春")
    a, b = cleaned.to_original(start, len(cleaned.text))
    assert original[a:b] == "長(zhǎng)春開展　核酸檢測。"
    assert normalize(original[a:b]) == cleaned.text[start:]


def test_markdown_reposts_lose_their_marks_and_credits():
    original = "**作者：**张三\n\n全市**开展**核酸检测，详见[原文](https://a.example.cn/x)。\n\n*审核：李四*"
    cleaned = clean_document(original)
    assert cleaned.text == "全市开展核酸检测,详见[原文]。"
    a, b = cleaned.to_original(0, len(cleaned.text))
    assert original[a:b] == "全市**开展**核酸检测，详见[原文](https://a.example.cn/x)。"


def test_a_span_takes_whole_references_and_links():
    original = "&ldquo;长春&rdquo;开展核酸检测&hellip;\n详见https://a.example.cn/x?id=1;v=2&amp;t=3。"
    cleaned = clean_document(original)
    assert cleaned.text == "“长春”开展核酸检测…\n详见。"
    assert split_sentences(cleaned.text) == ["“长春”开展核酸检测…", "详见。"]
    a, b = cleaned.to_original(0, cleaned.text.index("\n"))
    assert original[a:b] == "&ldquo;长春&rdquo;开展核酸检测&hellip;"
    a, b = cleaned.to_original(cleaned.text.index("详"), len(cleaned.text))
    assert original[a:b] == "详见https://a.example.cn/x?id=1;v=2&amp;t=3。"


CHROME = re.compile(r"登录|注册|版权|ICP|公网安备|分享到|回复|责任编辑|Powered|Copyright|©|相关文章|"
                    r"最新评论|许可证|报料|举报$|只看该作者|快速回复|相关热词|精品|在线播放")
CUES = re.compile(r"核酸|隔离|转运|消毒|消杀|物资|救治|管控|流调|疫苗|入境|确诊|压实|宣传|复工")


@needs_shared
@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name)
def test_seed_cleaning_drops_chrome_and_keeps_the_body(path):
    raw = path.read_text("utf-8")
    cleaned = clean(raw)
    for line in cleaned.splitlines():
        assert not CHROME.search(line), f"chrome left in {path.name}: {line!r}"
    # Every long body line that talks about a measure survives, whole.
    body = raw.split("相关文章")[0]
    for line in body.splitlines():
        if len(line) >= 60 and CUES.search(line) and line.count(",") + line.count("，") >= 3:
            assert normalize(line).strip() in cleaned, f"body line lost from {path.name}: {line[:40]!r}"


def test_a_document_on_one_line_keeps_its_sentences_past_a_byline():
    # A press conference scraped onto one line once lost all but its title to the
    # 责任编辑 and 联系电话 inside it.
    body = "".join(f"第{i}条，全市开展第{i}轮核酸检测，各社区做好组织工作。" for i in range(1, 30))
    line = "时间：2020-03-26。" + body + "联系电话：12345。责任编辑：张三。"
    assert len(split_sentences(clean(line))) >= 29


@pytest.mark.parametrize("text, expected", [
    ("第一段。\r\n第二段。", "第一段。\n第二段。"),
    ("第一段。\r第二段。", "第一段。\n第二段。"),
    ("第一段。\u2028第二段。\u2029第三段。", "第一段。\n第二段。\n第三段。"),
    ("第一段。\x0c\x0b\x85第二段。", "第一段。\n\n\n第二段。"),
    ("第一段。\n\r\n第二段。", "第一段。\n\n第二段。"),
    ("没有换行。", "没有换行。"),
])
def test_normalize_line_breaks(text, expected):
    assert normalize_line_breaks(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("第一段。\n\n\n\n第二段。", "第一段。\n\n第二段。"),
    ("\n\n第一段。\n第二段。\n\n", "第一段。\n第二段。"),
    ("第一段。\n\n第二段。", "第一段。\n\n第二段。"),
    ("", ""),
])
def test_collapse_blank_lines(text, expected):
    assert collapse_blank_lines(text) == expected


@pytest.mark.parametrize("text", ["全市开展核酸检测。\r版权所有 某某网站", "全市开展核酸检测。\u2028责任编辑：张三",
                                  "第一段。\n\n\n\n第二段。"])
def test_the_chain_of_steps_is_clean(text):
    chained = collapse_blank_lines(drop_boilerplate_lines(normalize(normalize_line_breaks(text))))
    assert chained == clean(text)


# Found by three reviews of this session's narrowing of the chrome rules: each a policy
# sentence once dropped or cut, or chrome once kept.
@pytest.mark.parametrize("line", [
    '本网格内居民禁止转载、传播未经证实的涉疫信息，对造谣传谣者依法严肃处理。各小区实行封闭管理。',
    '本文件所列措施自发布之日起施行，各单位禁止转载、传播未公开的内部通报，对造谣者依法处理。各区要继续做好疫苗接种工作，全市开展核酸检测。',
    '对于未经官方发布的疫情信息禁止转载，违者必究。',
    '涉疫信息未经官方同意一律禁止转载，违者必究。',
    '市民登录后才可以下载健康码截图。',
    '居民登录后才能下载核酸检测报告。',
    '用户实名登录后才可以发表评论。',
    '主办单位：市卫健委，请参会人员提前48小时完成核酸检测。',
    '主办单位：市卫健委 参会人员须持48小时内核酸检测阴性证明。',
    '请各单位自行[打印]健康承诺书，于进场时出示。',
    '禁止转载、传播未经证实的涉疫信息，对造谣传谣者依法处理。',
    '各网站平台对未经核实的疫情信息一律禁止转载。',
    '各网络平台要加强内容审核，涉疫信息未经官方同意一律禁止转载，对造谣传谣者依法严肃处理。',
    '市疫情防控指挥部要求，未经许可禁止转载、擅自发布涉疫信息。',
    '对涉疫谣言信息一律禁止转载。',
    '三、涉疫谣言禁止转载、传播。',
    '网络平台须落实实名制，用户登录后才可以发表评论',
    '各平台须落实实名制，用户实名登录后才可以发表评论。',
    '主办单位：市卫健委，活动期间所有人员须持48小时核酸阴性证明。',
    '12345热线对群众反映的涉疫诉求做到快速回复、及时办理。',
    '市民登录后才可以查询本人核酸检测结果。',
    '您需要登录后在首页选择就近的采样点进行预约。',
    '没有账号注册的老年人可由社区工作人员代为预约接种。',
    '上一篇报道中提到的集中隔离点已全部启用。',
    '各区心理援助热线联系电话：0431-12345678',
    '对增值电信业务经营许可证到期的企业，有效期顺延至疫情结束后三个月。',
    '增值电信业务经营许可证2022年底前到期的企业，有效期自动顺延6个月。',
    '没有账号立即注册的，可在现场登记。',
    '二、用户登录后才能评论',
    '网民须实名登录后才能评论！',
    '用户须实名登录后才能发帖，不得传播谣言',
    '（三）用户登录后才能发表评论',
    '学生须登录后才能查看帖子',
    '市民登录后才可以下载健康码截图。',
])
def test_policy_sentences_that_share_chromes_words_stay_whole(line):
    assert clean(line) == normalize(line).strip()


@pytest.mark.parametrize("line", [
    '来源：浦东发布 | 作者：浦东新区融媒体中心 | 2022-05-14',
    '来源：中国新闻网 | 2020年03月02日 16:45',
    '来源：新华社 | 2020年02月11日 09:32',
    '未经授权，禁止转载。',
    '未经中国日报网事先协议授权,禁止转载使用。',
    '未经某某网书面授权，禁止转载、摘编、复制或建立镜像。',
    '本站原创文章，禁止转载，违者必究',
    '未经许可禁止转载，违者必究',
    '本网站所有内容，未经授权禁止转载',
    '本文禁止转载。',
    '禁止转载',
    '上一篇 关于做好春节期间疫情防控工作的通知',
    '上一篇>>关于做好春节期间疫情防控工作的通知',
    '主办单位：某某市人民政府办公室；承办单位：某某市大数据中心',
    '联系电话：0431-88888888 服务热线：12345',
    '网站热线联系电话：0431-88888888',
    '增值电信业务经营许可证（京B2-20090059）',
    '快速回复 | 返回列表',
    '登录后才可以下载附件',
    '请登录后才可以查看帖子内容',
    '登录后才可以回复哦！',
    '登录后才可以回帖 登录 | 注册',
    '快速回复主题',
    '发表回复 快速回复',
    '快速回复 回到顶部',
    '主办单位：某某市人民政府办公室 承办单位：某某市大数据中心 地址：某某路1号 请使用IE9以上浏览器访问本站',
    '主办单位：某某市卫生健康委员会 | 网站地图 | 使用须知 | 联系我们',
    '主办：某某市人民政府 承办：某某市政务服务数据管理局 建议使用1366×768分辨率，请使用谷歌浏览器',
    '主办单位：某某区人民政府 技术支持：某某科技有限公司 联系方式：请发邮件至 abc@163.com',
    '【打印】【关闭】',
    '字体：大 中 小 【打印】【关闭】',
    '发布时间：2022-04-10 来源：人民网',
    '图片来源于网络，禁止转载',
    '版权归原作者所有，禁止转载',
    '登录后才可以查看附件',
    '游客，登录后才可以回帖',
    # what a Markdown repost from a news "farm" keeps of its links, as lines of their own
    # (names, farms and links here are made up)
    "` 青松农场多伦多营` [轉載自GNews](http://repost.example.org/1234567/)",
    "白杨农场悉尼营 [转载自GNews]",
    "G-NEWS 宝岛 [转载自GNews]",
    "远山翻译组G-Translators [转载自GNews]",
    "原文链接：[http://news.example.com/a/1.html](http://news.example.com/a/1.html)",
    "参考连结：",
    "盖特链接：",
    "新闻链接",
    "视频截图",
    "- [Gettr: 枫叶农场 时事频道](http://gt.example.org/user/abc)",
    "Discord：[樱花农场Discord房](http://chat.example.org/x/1)；",
    "YouTube：[樱花农场](http://yt.example.org/a)、[阿七工作室](http://yt.example.org/b) 、"
    "[Hello World 你好,世界](http://yt.example.org/c)；",
    "G-News：[sakura2021 news](http://gn.example.org/author/s/)、 [樱花农场 G-News频道](http://gn.example.org/author/t/) ；",
    "盖特：[樱花农场@sakurafarm盖特](http://gt.example.org/user/s)；",
    "推特：[樱花农场\\[@sakura\\]推特](http://tw.example.org/s)；",
    "G-TV：[樱花农场](http://tv.example.org/user/1#top)。",
    "](某某晨报发布时间: 2022-05-01 08:30)",
    "]引用完毕",
    # a repost's credits and a caption alone (the names are made up)
    "编辑整理：山间的枣泥糕；",
    "校对整合：海边的糖油饼；",
    "编辑整理：山间的枣泥糕；校对整合：海边的糖油饼；",
    "记者：张三；李四",
    "图片来自网络",
    "图片来源于网络",
    "2022年4月10日",
    "2022-04-10 10:30",
])
def test_chrome_in_its_usual_forms_goes(line):
    assert clean(line) == ""


@pytest.mark.parametrize("line, expected", [
    ('时间：2022年4月10日发布的通告继续有效，全市暂停堂食。浏览次数：12',
     '时间:2022年4月10日发布的通告继续有效,全市暂停堂食。'),
    ('时间：2022年4月10日来源不明的冷链食品一律封存。浏览次数：12',
     '时间:2022年4月10日来源不明的冷链食品一律封存。'),
    ('时间：2022年4月10日【周日】全市开展核酸检测。浏览次数：12',
     '时间:2022年4月10日【周日】全市开展核酸检测。'),
    ('日期：2022-04-10 起，全市暂停堂食。浏览次数：12',
     '日期:2022-04-10 起,全市暂停堂食。'),
    ('时间：2022年4月10日 (星期日)，全市暂停堂食。浏览次数：12',
     '时间:2022年4月10日 (星期日),全市暂停堂食。'),
    ('日期：2022-04-10 至 2022-04-20，全市暂停堂食。浏览次数：3',
     '日期:2022-04-10 至 2022-04-20,全市暂停堂食。'),
    ('时间：2022年4月10日起，全市暂停堂食。【责任编辑：王翔】',
     '时间:2022年4月10日起,全市暂停堂食。'),
    ('来源：某某市卫健委 发布时间：2022-04-10 10:00 浏览次数：1234 全市开展新一轮全员核酸检测，请广大市民积极参与。',
     '全市开展新一轮全员核酸检测,请广大市民积极参与。'),
    ('发布时间：2022年4月10日 浏览次数：1234 全市开展新一轮全员核酸检测，请广大市民积极参与。',
     '全市开展新一轮全员核酸检测,请广大市民积极参与。'),
    ('字体：大 中 小 全市开展新一轮全员核酸检测，各区要做好采样。对密接人员一律集中隔离。',
     '全市开展新一轮全员核酸检测,各区要做好采样。对密接人员一律集中隔离。'),
    ('字体：大 中 小 【打印】【关闭】 全市开展新一轮全员核酸检测，各区要做好采样。对密接人员一律集中隔离。',
     '全市开展新一轮全员核酸检测,各区要做好采样。对密接人员一律集中隔离。'),
    ('发布时间：2022-04-10 浏览次数：1234 全市开展新一轮全员核酸检测。各区要做好采样点设置。',
     '全市开展新一轮全员核酸检测。各区要做好采样点设置。'),
    ('【责任编辑：王翔】全市开展新一轮全员核酸检测，各区要做好采样。',
     '全市开展新一轮全员核酸检测,各区要做好采样。'),
])
def test_a_header_is_cut_off_a_story_and_a_date_that_opens_it_stays(line, expected):
    assert clean(line) == expected and clean(expected) == expected


@pytest.mark.parametrize("tail", ["本文禁止转载。", "本站原创文章，禁止转载", "未经许可禁止转载，违者必究", " 登录后才可以回帖",
                                  " 快速回复 返回顶部", "2020年6月14日", " 2022-04-10 10:30",
                                  "图片来自网络", "视频截图", "编辑整理：山间的枣泥糕；"])
def test_chrome_closing_a_story_on_its_line_goes_and_the_story_stays(tail):
    assert clean("全市暂停堂食，请广大市民积极配合。" + tail) == "全市暂停堂食,请广大市民积极配合。"


@pytest.mark.parametrize("line", [
    # the farms' credits and calls to follow them stay: their words are a notice's too
    "编辑：远山 / 作图：石头哥",
    "播报：枫叶农场 -【小岚】",
    "采集：海燕新闻组",
    "广而告之：亲爱的朋友，欢迎加入我们",
    "审核：街道办事处审核后发放通行证",
    "审核：社区网格员上门核实；",
    "采集：区人民医院医疗团队；请居民按楼栋有序排队，保持一米间距。",
    "作图：各区静默区域示意",
    "配图：医护人员上门为独居老人服务",
    "播报 -【广州白云区静默管理】",
    "发布：关于做好近期疫情防控工作的通知",
    "发布：黄码",
    "采集：唾液",
    "播报：各商超物资供应充足",
    "广而告之：本周六社区组织全员核酸检测，欢迎加入我们的志愿者队伍。请居民携带身份证按楼栋顺序排队。",
    "广而告之：即日起全市暂停堂食，欢迎关注我们的公众号[健康某市]获取最新通知",
    "欢迎关注健康某市官方账号：[健康某市]",
    "欢迎市民订阅我们的防疫短信提醒服务。",
    "更多防疫政策解读的频道，请关注：",
    "请点击以下链接：",
    # a headline before a repost's credit, a post quoted in brackets, a form's star
    "北京朝阳区全员核酸检测 [转载自GNews]",
    "上海宣布全市静默管理 [转自推特]",
    "关于全市暂停堂食的通告 [转自市政府网站]",
    "[Twitter: 深圳宣布全市暂停公共交通，全员居家办公]",
    "[Twitter：上海市宣布自3月28日起以黄浦江为界分区分批实施核酸筛查]",
    "[推特：上海市政府宣布，自4月1日起浦东实行封控，市民居家。]",
    "注：*为新增病例所在小区",
    "密接者：张*、李*",
    # sentences with a label's or a platform's words
    "原文链接已失效的，请以市卫健委官网发布的通告为准。",
    "预约链接：请在微信公众号首页点击核酸预约。",
    "参考链接中的采样点名单已更新，请市民就近检测。",
    "图片来自市民拍摄的视频显示，部分居民未佩戴口罩聚集。",
    "图片来自互联网系谣言请勿转发",
    "图片来自网络经核实为旧图",
    "编辑整理：各区通知汇总如下。",
    "审核：社区逐户上门核实；",
    "全市暂停堂食。2022年4月10日起恢复。",
    "全市暂停堂食。截至2022年4月10日",
    "视频截图显示，部分居民未佩戴口罩聚集。",
    "视频截图请于当日18时前上传至社区群。",
    "YouTube等境外平台的涉疫视频不得转发。",
])
def test_policy_lines_with_a_reposts_words_stay_whole(line):
    assert clean(line) == normalize(line).strip()


def test_a_repost_keeps_its_story_and_its_link_titles_without_its_links():
    original = ("全市暂停堂食\n\n` 青松农场多伦多营` [轉載自GNews](http://repost.example.org/1/)\n\n"
                "据[刚刚，某市发布第8号通告！](https://news.example.org/s?id=1)（某某晨报发布时间: 2022-05-01 08:30）\n\n"
                "全市餐饮门店暂停堂食，市民非必要不离市。\n\n"
                "\\*\\*\\*[刚刚，某市发布第8号通告！](https://news.example.org/s?id=1)引用完毕\\*\\*\n\n"
                "原文链接：[https://news.example.org/s?id=1](https://news.example.org/s?id=1)\n\n"
                "Discord：[樱花农场Discord房](http://chat.example.org/x/1)；")
    assert split_sentences(clean(original)) == [
        "全市暂停堂食", "据[刚刚,某市发布第8号通告!", "全市餐饮门店暂停堂食,市民非必要不离市。",
        "[刚刚,某市发布第8号通告!"]
    cleaned = clean_document(original)
    assert clean(cleaned.text) == cleaned.text
    start = cleaned.text.index("全市餐饮")
    a, b = cleaned.to_original(start, start + len("全市餐饮门店暂停堂食"))
    assert original[a:b] == "全市餐饮门店暂停堂食"


@pytest.mark.parametrize("text", [
    "全市暂停堂食。图片来自新华社", "全市暂停堂食。图片来自网络", "全市暂停堂食。编辑整理：山间的枣泥糕；",
    "全市暂停堂食。2020年6月14日", "办理流程如下。\n申请：居民提交材料；\n审核：社区逐户上门核实；",
])
def test_each_sentence_of_a_cleaned_text_cleans_alone_to_itself(text):
    # a sentence given to predict() alone must read as it did in its document
    sentences = split_sentences(clean(text))
    assert sentences and all(clean(sentence) == sentence for sentence in sentences)
