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
        "// generated for benchmarks\ncall bench {\n  title \"基准测试 · 续约跟进\"\n  locale \"zh-CN\"\n\n  caller li_ming {\n    name \"李明\"  gender male  org \"长江公司\"  role \"专员\"\n    persona \"\"\"\n      商务沟通专业细致，倾听客户需求，优惠政策解读和技术升级介绍耐心周到。\n      能灵活调整话术与解答，主动补充资料。\n      \"\"\"\n    task \"致电{callee.org}的{callee.name}，推动续约。\"\n    knows { 公司 \"泰山公司\"  合作周期 \"两年\" }\n  }\n\n  callee zhang_qiang {\n    name \"张强\"  age 35  org \"泰山公司\"  role \"采购负责人\"\n    concern terms primary \"条款是否书面透明\"\n    concern upgrade secondary \"升级细节\"\n    concern budget latent \"预算周期\"\n    behavior \"少寒暄\"\n    style { avoid \"你直接说最低价吧。\"  prefer \"请把条款说下。\" }\n  }\n\n  signal busy \"张强表示时间紧\"\n  signal no \"张强拒绝\"\n  opening \"您好，请问是{callee.org}的{callee.name}吗？\"\n\n  flow {\n    on voicemail -> end(declined)\n    on busy -> end(docs)\n    on no -> end(declined)\n",
    );
    let tail = "    step wrap_up { say \"资料稍后发您邮箱。\" -> end(docs) }\n  }\n\n  faq {\n    qa send_terms covers terms, upgrade, budget {\n      q \"能发书面条款吗？\"\n      a \"可以，全部资料电子版，提供邮箱后立刻发送。\"\n    }\n  }\n\n  end {\n    when docs \"张强要求资料发邮箱\" callee \"你要求资料发邮箱\"\n    when declined \"张强拒绝\" callee \"你拒绝\"\n    closing \"感谢张总在百忙中沟通，再见！\"\n  }\n}\n";
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
                    "    step s{i} covers terms, upgrade {{ say \"第{i}步\"  on no -> end(declined)  on busy -> s{i}  retry 1 -> end(docs) }}"
                );
            }
        }
        i += 1;
    }
    s.push_str(tail);
    s
}

/// A spec that listens, of `steps` steps and `globals` global branches
/// (at least one; beside the four events): every step waits, captures, is retried and
/// branches back; silence leads to a retried step, voicemail to a
/// `continue` step; the last step's capture is required by its outcome.
/// It checks clean, and it makes every lint of calls that listen walk the
/// whole flow (the search from the start, one must-analysis, a loop search
/// per step).
#[must_use]
#[allow(dead_code)] // used by the `check` bench, not by every includer
pub fn listening(steps: usize, globals: usize) -> String {
    let mut s = String::from(
        "// generated for benchmarks\ncall bench_listen {\n  locale \"zh-CN\"\n  caller li_ming { name \"李明\" }\n  callee zhang_qiang { name \"张强\" }\n  signal hesitant \"张强犹豫\"\n  signal wants_human \"张强要求转人工\"\n",
    );
    for g in 0..globals {
        let _ = writeln!(s, "  signal g{g} \"第{g}种说法\"");
    }
    s.push_str("  flow {\n    on voicemail -> vm\n    on no_answer -> end(unreached)\n    on hangup -> end(hung_up)\n    on silence -> still_there\n    on wants_human -> transfer(sales)\n");
    for g in 0..globals {
        let _ = writeln!(s, "    on g{g} -> s{}", (g * 13) % steps);
    }
    for i in 0..steps {
        let next = if i + 1 == steps { "  -> end(done)" } else { "" };
        let _ = writeln!(
            s,
            "    step s{i} {{ say \"第{i}步😀\"  capture c{i} text \"第{i}项\"  retry 1 -> end(declined)  on hesitant -> s{}  on g{} -> s{}{next} }}",
            i / 2,
            i % globals.max(1),
            (i + 1) % steps
        );
    }
    let _ = write!(
        s,
        "    step still_there {{ say \"您还在吗？\"  retry 1 -> end(hung_up)  -> s0 }}\n    step vm {{ say \"张总您好，稍后再联系您。\"  continue  -> end(vm_left) }}\n  }}\n  end {{\n    when done \"完成\" requires c{}\n    when declined \"拒绝\"\n    when unreached \"未接通\"\n    when hung_up \"挂断\"\n    when vm_left \"已留言\"\n    transfer sales \"销售\" {{ say \"为您转接。\"  fallback end(declined) }}\n    closing \"再见\"\n  }}\n}}\n",
        steps - 1
    );
    s
}
