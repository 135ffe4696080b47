//! The reference Markdown layout (docs/import.md): the section titles,
//! labels and flow-note phrases of the two role prompts, in Chinese (the
//! reference document's own) and in English. The `markdown` target writes
//! it and `callc import` reads it; both take it from here, so the two
//! directions cannot drift apart. No IO.

use crate::ir;

/// The words of the layout in one language: section titles, labels and the
/// phrases of flow notes.
#[derive(Debug)]
pub struct Layout {
    /// The locale the importer gives a spec written with these titles.
    pub locale: &'static str,
    /// `## 电话拨打方`.
    pub caller: &'static str,
    /// `## 电话接听方`.
    pub callee: &'static str,
    /// `### 角色` (both parties).
    pub role: &'static str,
    /// `### 核心任务（一句话）`.
    pub task: &'static str,
    /// `### 目标客户画像（…）`: what the caller knows.
    pub knows: &'static str,
    /// `### 分步流程和话术（最重要）`.
    pub flow: &'static str,
    /// `### 问答知识库（…）`.
    pub faq: &'static str,
    /// `### 开场白`.
    pub opening: &'static str,
    /// `### 结束条件与结束语` (caller).
    pub ending: &'static str,
    /// `**结束条件：**` inside the caller's ending section.
    pub end_conditions: &'static str,
    /// `**结束语：**` inside the caller's ending section.
    pub closing: &'static str,
    /// `### 背景信息（…）`.
    pub background: &'static str,
    /// `### 核心关切点（…）`.
    pub concerns: &'static str,
    /// `### 对话中的典型行为模式（…）`.
    pub behavior: &'static str,
    /// `### 回复风格示例（…）`.
    pub style: &'static str,
    /// `### 结束条件（…）` (callee).
    pub callee_end: &'static str,
    /// The label of the examples not to imitate.
    pub avoid: &'static str,
    /// The label of the examples to imitate.
    pub prefer: &'static str,
    /// Concern labels by priority: primary, secondary, latent.
    pub priorities: [&'static str; 3],
    /// The FAQ labels: question, answer.
    pub qa: [&'static str; 2],
    /// Identity labels: name, gender, age, organisation, role.
    pub identity: [&'static str; 5],
    /// Gender words: male, female, other.
    pub genders: [&'static str; 3],
    /// The unit written after an age (`岁`), or nothing.
    pub age_unit: &'static str,
    /// The colon between a label and its value.
    pub colon: &'static str,
    /// Opening and closing quotation marks of spoken lines.
    pub quotes: [&'static str; 2],
    /// Opening and closing brackets of a flow note.
    pub brackets: [&'static str; 2],
    /// A branch: before the signal, after it.
    pub branch: [&'static str; 2],
    /// A global branch: before the signal, after it.
    pub global_branch: [&'static str; 2],
    /// An explicit successor: the words before the target.
    pub then: &'static str,
    /// The arrow between a condition and its target.
    pub arrow: &'static str,
    /// Going to a step: before the number, after it.
    pub goto: [&'static str; 2],
    /// Ending the call.
    pub end_call: &'static str,
    /// The rule at the top of the flow: every step waits for the reply.
    /// The rule, the exception said when some step does not wait, the
    /// full stop.
    pub wait_rule: [&'static str; 3],
    /// Added to the wait rule when the spec has an FAQ: a question is
    /// answered and the call stays at the step.
    pub faq_rule: &'static str,
    /// Added to the wait rule when the spec writes `silence_timeout`:
    /// before the seconds, after one second, after more.
    pub silence_rule: [&'static str; 3],
    /// The note of a step that does not wait (`continue`).
    pub go_on: &'static str,
    /// An event branch of a step, and a global one: before the event's
    /// words, after them (no quotation marks: those are for signals).
    pub event_branch: [&'static str; 2],
    /// A global branch on an event taken at a step's turn.
    pub event_global: [&'static str; 2],
    /// A branch taken before any step runs (`voicemail`, `no_answer`).
    pub start_branch: [&'static str; 2],
    /// The events' words: voicemail, no answer, hang-up.
    pub events: [&'static str; 3],
    /// Silence: before the seconds, after one second, after more.
    pub silence: [&'static str; 3],
    /// `retry N -> T`: before N, after N = 1, after a larger N (the arrow
    /// and the target follow).
    pub retry: [&'static str; 3],
    /// A capture note: a required capture, an optional one (the capture's
    /// id and a colon follow).
    pub record: [&'static str; 2],
    /// Between a capture's type and its description.
    pub type_sep: &'static str,
    /// The capture types' words.
    pub kinds: Kinds,
    /// The required captures of an end condition or a transfer (the ids
    /// follow, separated by `list_sep`).
    pub requires: &'static str,
    /// Between the items of a list in a note.
    pub list_sep: &'static str,
    /// `**转接：**` inside the caller's ending section.
    pub transfers: &'static str,
    /// A transfer as a note's target: the words before its title.
    pub transfer_to: &'static str,
    /// A transfer's destination (`to`): the words before it.
    pub destination: &'static str,
    /// A transfer's fallback: the condition of its note.
    pub transfer_failed: &'static str,
    /// The caller's note above the opening line: callee first, caller first.
    pub opening_note: [&'static str; 2],
    /// The callee's line under its party heading: callee first, caller first.
    pub answering: [&'static str; 2],
    /// `## 每通电话的变量`: the per-call variables, before the prompts.
    pub vars: &'static str,
    /// The paragraph under it: what `{{name}}` in the prompts is.
    pub vars_note: &'static str,
    /// The columns of the variables table: variable, type, whether a call
    /// must give it, example, personal data, description.
    pub var_columns: [&'static str; 6],
    /// Whether a call must give a variable: required, optional, and the
    /// words before a default.
    pub need: [&'static str; 3],
    /// A personal-data variable's mark in the table.
    pub pii: &'static str,
    /// `### 你可能的说法（…）` in a callee prompt: the signals' examples.
    pub signals: &'static str,
}

/// The words of the capture types.
#[derive(Debug)]
pub struct Kinds {
    /// `text`.
    pub text: &'static str,
    /// `email`.
    pub email: &'static str,
    /// `phone`.
    pub phone: &'static str,
    /// `date`.
    pub date: &'static str,
    /// `yes_no`.
    pub yes_no: &'static str,
    /// `integer` without bounds.
    pub integer: &'static str,
    /// `integer(A..B)`: before A, between A and B, after B.
    pub range: [&'static str; 3],
    /// `integer(A..)`: before A.
    pub at_least: &'static str,
    /// `integer(..B)`: before B.
    pub at_most: &'static str,
    /// `one_of(…)`: before the values (separated by `list_sep`).
    pub one_of: &'static str,
    /// `number`.
    pub number: &'static str,
    /// `percent`.
    pub percent: &'static str,
    /// `money(CUR)`: before the currency's code, after it.
    pub money: [&'static str; 2],
    /// `time`.
    pub time: &'static str,
}

/// The zh-CN layout: the reference document's own titles.
pub const ZH: Layout = Layout {
    locale: "zh-CN",
    caller: "电话拨打方",
    callee: "电话接听方",
    role: "角色",
    task: "核心任务（一句话）",
    knows: "目标客户画像（电话拨打方所掌握的电话接听方的一些基本信息）",
    flow: "分步流程和话术（最重要）",
    faq: "问答知识库（常见的客户问题和答案）",
    opening: "开场白",
    ending: "结束条件与结束语",
    end_conditions: "结束条件：",
    closing: "结束语：",
    background: "背景信息（包括了身份，关键经历，性格画像，接电话前的即时情境）",
    concerns: "核心关切点（包括了首要，次要和潜在问题）",
    behavior: "对话中的典型行为模式（包括了情绪变化，不确定性，环境因素）",
    style: "回复风格示例（规定了回复风格接近于真实人类而非AI，包括了反面教材和正面教材）",
    callee_end: "结束条件（规定了几种结束条件）",
    avoid: "反面教材 (不要这样说):",
    prefer: "正面教材 (模仿这种感觉):",
    priorities: ["首要问题", "次要问题", "潜在问题"],
    qa: ["问", "答"],
    identity: ["姓名", "性别", "年龄", "单位", "职务"],
    genders: ["男", "女", "其他"],
    age_unit: "岁",
    colon: "：",
    quotes: ["“", "”"],
    brackets: ["（", "）"],
    branch: ["如", ""],
    global_branch: ["任何一步中，如", ""],
    then: "说完后",
    arrow: " → ",
    goto: ["转到第", "步"],
    end_call: "结束通话",
    wait_rule: [
        "每一步说完后都停下来，等对方回答，再按对方的回答继续",
        "（注明“说完不等回答”的步骤除外）",
        "。",
    ],
    faq_rule: "对方问到问答知识库里的问题时，先回答，再回到这一步。",
    silence_rule: ["对方", "秒不说话，算作沉默。", "秒不说话，算作沉默。"],
    go_on: "说完不等回答，直接继续",
    event_branch: ["如", ""],
    event_global: ["任何一步中，如", ""],
    start_branch: ["拨出后，如", ""],
    events: ["进入语音信箱", "电话未接通", "对方挂断"],
    silence: ["对方沉默", "秒", "秒"],
    retry: ["最多再问", "次，仍不成", "次，仍不成"],
    record: ["需记录 ", "可选记录 "],
    type_sep: "——",
    kinds: Kinds {
        text: "文字",
        email: "邮箱地址",
        phone: "电话号码",
        date: "日期（年-月-日）",
        yes_no: "是或否",
        integer: "整数",
        range: ["整数，", "到", ""],
        at_least: "整数，不小于",
        at_most: "整数，不大于",
        one_of: "以下之一：",
        number: "数字",
        percent: "百分比",
        money: ["金额（", "）"],
        time: "时刻（时:分）",
    },
    requires: "需已记录：",
    list_sep: "、",
    transfers: "转接：",
    transfer_to: "转接：",
    destination: "转接到：",
    transfer_failed: "转接失败",
    opening_note: [
        "电话接通后，先等对方开口，再说开场白",
        "电话一接通就说开场白，不等对方开口",
    ],
    answering: [
        "这通电话是对方打给你的；接起后由你先开口（例如“喂？”）。",
        "这通电话是对方打给你的；一接通对方就会先说话，你听完再回应。",
    ],
    vars: "每通电话的变量",
    vars_note: "下面提示词里的 {{名称}} 在每通电话拨出前换成这位客户的值；示例是预览和模拟时用的值。",
    var_columns: ["变量", "类型", "填写", "示例", "个人信息", "说明"],
    need: ["必填", "可不填", "默认："],
    pii: "是",
    signals: "你可能的说法（拨打方会这样理解）",
};

/// The English layout, used for every locale other than Chinese.
pub const EN: Layout = Layout {
    locale: "en",
    caller: "Caller",
    callee: "Callee",
    role: "Role",
    task: "Core task (one sentence)",
    knows: "Customer profile (what the caller knows about the callee)",
    flow: "Step-by-step flow and script (most important)",
    faq: "FAQ (common customer questions and answers)",
    opening: "Opening line",
    ending: "End conditions and closing line",
    end_conditions: "End conditions:",
    closing: "Closing line:",
    background: "Background (identity, key experiences, personality, situation just before the call)",
    concerns: "Core concerns (primary, secondary and latent)",
    behavior: "Typical behaviour in the conversation (mood changes, uncertainty, surroundings)",
    style: "Reply style examples (sound like a real person, not an AI; examples to avoid and to imitate)",
    callee_end: "End conditions (the ways the call can end)",
    avoid: "Examples to avoid (don't talk like this):",
    prefer: "Examples to imitate (aim for this feel):",
    priorities: ["Primary concern", "Secondary concern", "Latent concern"],
    qa: ["Q", "A"],
    identity: ["Name", "Gender", "Age", "Organisation", "Role"],
    genders: ["male", "female", "other"],
    age_unit: "",
    colon: ": ",
    quotes: ["“", "”"],
    brackets: ["(", ")"],
    branch: ["If “", "”"],
    global_branch: ["At any step, if “", "”"],
    then: "Then",
    arrow: " → ",
    goto: ["go to step ", ""],
    end_call: "end the call",
    wait_rule: [
        "After each step, stop and wait for the callee's answer, then go on according to it",
        " (except steps marked “Go straight on”)",
        ".",
    ],
    faq_rule: " If the callee asks a question from the FAQ, answer it, then return to the step.",
    silence_rule: [
        " If the callee says nothing for ",
        " second, that counts as silence.",
        " seconds, that counts as silence.",
    ],
    go_on: "Go straight on: don't wait for an answer",
    event_branch: ["If ", ""],
    event_global: ["At any step, if ", ""],
    start_branch: ["After dialling, if ", ""],
    events: ["voicemail answers", "nobody answers", "the callee hangs up"],
    silence: ["the callee is silent for ", " second", " seconds"],
    retry: ["At most ", " more try, then", " more tries, then"],
    record: ["Record ", "Optionally record "],
    type_sep: " — ",
    kinds: Kinds {
        text: "text",
        email: "an e-mail address",
        phone: "a phone number",
        date: "a date (YYYY-MM-DD)",
        yes_no: "yes or no",
        integer: "a whole number",
        range: ["a whole number from ", " to ", ""],
        at_least: "a whole number, at least ",
        at_most: "a whole number, at most ",
        one_of: "one of ",
        number: "a number",
        percent: "a percentage",
        money: ["an amount in ", ""],
        time: "a time of day (HH:MM)",
    },
    requires: "Only once these are recorded: ",
    list_sep: ", ",
    transfers: "Transfers:",
    transfer_to: "transfer: ",
    destination: "Transfer to: ",
    transfer_failed: "If the transfer fails",
    opening_note: [
        "When the call connects, let the callee speak first, then say the opening line",
        "Say the opening line as soon as the call connects; don't wait for the callee",
    ],
    answering: [
        "You are answering a call the caller placed; speak first when you pick up (for example “Hello?”).",
        "You are answering a call the caller placed; they speak first as soon as you pick up, so listen, then reply.",
    ],
    vars: "Per-call variables",
    vars_note: "Each {{name}} in the prompts below is replaced by the customer's value before each call; the example is the value previews and simulations use.",
    var_columns: ["Variable", "Type", "Value", "Example", "Personal data", "Description"],
    need: ["required", "optional", "default: "],
    pii: "yes",
    signals: "Things you might say (and how the caller takes them)",
};

impl Layout {
    /// The words of an event in a flow note; silence with its seconds.
    #[must_use]
    pub fn event_words(&self, event: ir::Event, silence_timeout: u32) -> String {
        match event {
            ir::Event::Voicemail => self.events[0].to_owned(),
            ir::Event::NoAnswer => self.events[1].to_owned(),
            ir::Event::Hangup => self.events[2].to_owned(),
            ir::Event::Silence => counted(self.silence, silence_timeout),
        }
    }
}

/// A number with the words around it: before, after one, after more.
#[must_use]
pub fn counted(words: [&str; 3], n: u32) -> String {
    format!("{}{n}{}", words[0], if n == 1 { words[1] } else { words[2] })
}

/// Reads a number between `words[0]` and `words[1]` or `words[2]` that make
/// up all of `s`.
#[must_use]
pub fn read_counted(words: [&str; 3], s: &str) -> Option<u32> {
    let rest = s.strip_prefix(words[0])?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let n: u32 = rest[..digits].parse().ok()?;
    let after = &rest[digits..];
    (after == words[1] || after == words[2]).then_some(n)
}

/// Reads the words of a telephony event in a flow note, in either layout
/// (and a few common variants): the event, and the seconds a silence
/// states. Shared by the `markdown` target, which must not write a
/// signal's words that read as an event, and `callc import`.
#[must_use]
pub fn read_event(words: &str) -> Option<(ir::Event, Option<u32>)> {
    const VARIANTS: [(ir::Event, &[&str]); 4] = [
        (
            ir::Event::Voicemail,
            &[
                "转入语音信箱",
                "语音信箱",
                "voicemail",
                "it goes to voicemail",
                "the call goes to voicemail",
            ],
        ),
        (
            ir::Event::NoAnswer,
            &[
                "未接通",
                "无人接听",
                "no answer",
                "no one answers",
                "the call is not answered",
            ],
        ),
        (
            ir::Event::Silence,
            &["对方沉默", "沉默", "silence", "the callee is silent"],
        ),
        (
            ir::Event::Hangup,
            &[
                "对方挂断电话",
                "对方挂机",
                "挂断",
                "hangup",
                "they hang up",
                "the callee hangs up the phone",
            ],
        ),
    ];
    let w = words.trim();
    for l in [&ZH, &EN] {
        for (i, e) in [ir::Event::Voicemail, ir::Event::NoAnswer, ir::Event::Hangup]
            .into_iter()
            .enumerate()
        {
            if w.eq_ignore_ascii_case(l.events[i]) {
                return Some((e, None));
            }
        }
        if let Some(n) = read_counted(l.silence, w) {
            return Some((ir::Event::Silence, Some(n)));
        }
    }
    // `对方8秒不说话`: the seconds inside the rule's words.
    if let Some(n) = read_counted(["对方", "秒不说话", "秒不说话"], w) {
        return Some((ir::Event::Silence, Some(n)));
    }
    VARIANTS
        .iter()
        .find(|(_, v)| v.iter().any(|x| w.eq_ignore_ascii_case(x)))
        .map(|(e, _)| (*e, None))
}

impl Layout {
    /// A value type in these words (`邮箱`, `整数（1到500）`), the words of the
    /// spec in it (a currency, the values of `one_of`) written by `text`
    /// (the Markdown target's escaping, or as they are for a prompt). The
    /// one owner of these words for every target.
    #[must_use]
    pub fn kind_words(&self, kind: &ir::ValueType, text: &dyn Fn(&str) -> String) -> String {
        let (l, k) = (self, &self.kinds);
        match kind {
            ir::ValueType::Text => k.text.to_owned(),
            ir::ValueType::Email => k.email.to_owned(),
            ir::ValueType::Phone => k.phone.to_owned(),
            ir::ValueType::Date => k.date.to_owned(),
            ir::ValueType::YesNo => k.yes_no.to_owned(),
            ir::ValueType::Number => k.number.to_owned(),
            ir::ValueType::Percent => k.percent.to_owned(),
            ir::ValueType::Money { currency } => format!("{}{}{}", k.money[0], text(currency), k.money[1]),
            ir::ValueType::Time => k.time.to_owned(),
            ir::ValueType::Integer { min: None, max: None } => k.integer.to_owned(),
            ir::ValueType::Integer {
                min: Some(a),
                max: Some(b),
            } => format!("{}{a}{}{b}{}", k.range[0], k.range[1], k.range[2]),
            ir::ValueType::Integer {
                min: Some(a),
                max: None,
            } => format!("{}{a}", k.at_least),
            ir::ValueType::Integer {
                min: None,
                max: Some(b),
            } => format!("{}{b}", k.at_most),
            ir::ValueType::OneOf(values) => {
                let values: Vec<String> = values.iter().map(|v| text(v)).collect();
                format!("{}{}", k.one_of, values.join(l.list_sep))
            }
        }
    }
}

/// The layout for a locale: Chinese (`zh`, any region or script) gets the
/// reference document's titles, every other locale the English ones.
#[must_use]
pub fn layout(locale: &str) -> &'static Layout {
    match ir::Language::of(locale) {
        ir::Language::Chinese => &ZH,
        ir::Language::English => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_words_read_back_in_both_layouts() {
        for l in [&ZH, &EN] {
            for e in ir::Event::ALL {
                for secs in [1, 8, 600] {
                    let words = l.event_words(e, secs);
                    let stated = (e == ir::Event::Silence).then_some(secs);
                    assert_eq!(read_event(&words), Some((e, stated)), "{words}");
                }
            }
        }
        assert_eq!(counted(EN.silence, 1), "the callee is silent for 1 second");
        assert_eq!(counted(ZH.silence, 8), "对方沉默8秒");
        assert_eq!(read_event("对方8秒不说话"), Some((ir::Event::Silence, Some(8))));
        assert_eq!(read_event("No answer"), Some((ir::Event::NoAnswer, None)));
        assert_eq!(read_event("张强表示时间紧"), None);
        assert_eq!(read_event("对方沉默很久"), None);
        assert_eq!(read_event("对方沉默99999999999秒"), None);
    }
}
