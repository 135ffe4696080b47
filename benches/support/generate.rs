//! Generators of large specs for benchmarks (and the test that keeps them
//! valid): text-heavy Chinese specs, where most bytes are in strings, and
//! structure-dense specs, where most bytes are ids, keywords and branches.

use std::fmt::Write as _;

/// What most of a generated spec's bytes are.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)]
pub enum Shape {
    /// Long Chinese lines, personas and FAQ answers.
    Text,
    /// Short steps with branches, covers and jumps.
    Dense,
}

const LINES: &[&str] = &[
    "我们已合作两年，最近看到贵司服务使用增长，特来介绍本季度老客户回馈活动和升级方案，也想听听您的新需求。",
    "本活动仅对合作客户，提前续约享8%专属优惠，并送三个月顾问服务与报表升级体验。所有条款与优惠均有书面对比。",
    "有标准续约和高级套餐，升级含数据扩容、专线技术支持、报表自动化。详情条款与数据表可随时发您😀。",
    "考虑贵司决策周期和预算，我们可提前锁定优惠资格，合同和付款节点支持灵活安排，\\\"书面\\\"确认后生效。",
];

/// A valid spec of about `size` bytes (never much less, at most one step more).
#[must_use]
pub fn spec(shape: Shape, size: usize) -> String {
    let mut s = String::from(
        "// generated for benchmarks\ncall bench {\n  title \"基准测试 · 续约跟进\"\n  locale \"zh-CN\"\n\n  caller li_ming {\n    name \"李明\"  gender male  org \"长江公司\"  role \"专员\"\n    persona \"\"\"\n      商务沟通专业细致，倾听客户需求，优惠政策解读和技术升级介绍耐心周到。\n      能灵活调整话术与解答，主动补充资料。\n      \"\"\"\n    task \"致电{callee.org}的{callee.name}，推动续约。\"\n    knows { 公司 \"泰山公司\"  合作周期 \"两年\" }\n  }\n\n  callee zhang_qiang {\n    name \"张强\"  age 35  org \"泰山公司\"  role \"采购负责人\"\n    concern terms primary \"条款是否书面透明\"\n    concern upgrade secondary \"升级细节\"\n    concern budget latent \"预算周期\"\n    behavior \"少寒暄\"\n    style { avoid \"你直接说最低价吧。\"  prefer \"请把条款说下。\" }\n  }\n\n  signal busy \"张强表示时间紧\"\n  signal no \"张强拒绝\"\n  opening \"您好，请问是{callee.org}的{callee.name}吗？\"\n\n  flow {\n    on busy -> end(docs)\n    on no -> end(declined)\n",
    );
    let tail = "  }\n\n  faq {\n    qa send_terms covers terms, upgrade, budget {\n      q \"能发书面条款吗？\"\n      a \"可以，全部资料电子版，提供邮箱后立刻发送。\"\n    }\n  }\n\n  end {\n    when docs \"张强要求资料发邮箱\" callee \"你要求资料发邮箱\"\n    when declined \"张强拒绝\" callee \"你拒绝\"\n    closing \"感谢张总在百忙中沟通，再见！\"\n  }\n}\n";
    let mut i = 0usize;
    while s.len() + tail.len() < size {
        match shape {
            Shape::Text => {
                let _ = writeln!(s, "    step s{i} \"第{i}步：介绍方案与条款\" covers terms {{");
                for k in 0..4 {
                    let _ = writeln!(s, "      say \"{}\"", LINES[(i + k) % LINES.len()]);
                }
                s.push_str("    }\n");
            }
            Shape::Dense => {
                let _ = writeln!(
                    s,
                    "    step s{i} covers terms, upgrade {{ say \"第{i}步\"  on no -> end(declined)  on busy -> s{i} }}"
                );
            }
        }
        i += 1;
    }
    s.push_str(tail);
    s
}
