//! The sentences the `retell` target writes around the spec's own texts:
//! transition conditions the LLM judges, the simulated callee's prompt and
//! the success criteria of a test case, in the spec's language (Chinese, or
//! English for every other locale), so that nothing pulls a Chinese call
//! towards English.

use crate::ir::Language;

/// The words of one language.
#[derive(Debug)]
pub struct Words {
    /// Before and after the examples of a signal, in a transition condition.
    pub for_example: [&'static str; 2],
    /// Between two examples or two questions.
    pub or: &'static str,
    /// The condition of a signal without a description: before and after its id.
    pub gives_signal: [&'static str; 2],
    /// The condition of the voicemail global node.
    pub voicemail: &'static str,
    /// The condition of an FAQ global node, before its questions.
    pub faq_asks: &'static str,
    /// The condition on which an FAQ node goes back to where the call was.
    pub faq_answered: &'static str,
    /// The instruction of a node with nothing to say.
    pub say_nothing: &'static str,
    /// The simulated callee's prompt: who calls (before the caller's name,
    /// around their organisation and role, the end of the sentence).
    pub called_by: [&'static str; 4],
    /// How to talk: a phone call, in the spec's language (the locale follows
    /// in English).
    pub speak: &'static str,
    /// The title of the script section.
    pub script: &'static str,
    /// The sentence under it.
    pub script_note: &'static str,
    /// Raising the persona's concerns.
    pub concerns_rule: &'static str,
    /// The caller's lines at a turn: before them, after them.
    pub caller_says: [&'static str; 2],
    /// Between two lines of one turn.
    pub line_sep: &'static str,
    /// What the callee does: before it.
    pub you: &'static str,
    /// A plain reply.
    pub reply: &'static str,
    /// Giving a captured value: before the kind, between kind and description.
    pub give: [&'static str; 2],
    /// After an optional value.
    pub optional: &'static str,
    /// A signal with a description: before it.
    pub means: &'static str,
    /// Silence: before the seconds, after them.
    pub silence: [&'static str; 2],
    /// Withholding captures: before the list.
    pub withhold: &'static str,
    /// Hanging up.
    pub hang_up: &'static str,
    /// A turn the caller does not wait at.
    pub goes_on: &'static str,
    /// A transfer: before the title, after it when it succeeds, when it fails.
    pub transfer: [&'static str; 3],
    /// The caller's side after the last moment.
    pub after_end: &'static str,
    /// The start of a voicemail scenario: the callee is a machine.
    pub answering_machine: &'static str,
    /// Success: the outcome of an end condition (before its wording).
    pub ends_with: &'static str,
    /// Success: a plain end.
    pub ends_plainly: &'static str,
    /// Success: the closing said (before it).
    pub closing_said: &'static str,
    /// Success: a transfer (before the title).
    pub transferred: &'static str,
    /// Success: a capture made (before its description).
    pub captured: &'static str,
    /// Success: a concern answered (before its text).
    pub concern_answered: &'static str,
    /// Success: who speaks first (callee first, caller first).
    pub first_words: [&'static str; 2],
    /// Quotation marks around a line quoted in a criterion.
    pub quote: [&'static str; 2],
}

/// Chinese.
pub const ZH: Words = Words {
    for_example: ["（例如：", "）"],
    or: "；",
    gives_signal: ["对方的回答表示“", "”"],
    voicemail: "电话由语音信箱或答录机接听：听到的是录音问候或提示音，不是真人在说话",
    faq_asks: "对方问到下面的问题（或意思相同的话）：",
    faq_answered: "已经回答了对方的问题",
    say_nothing: "这一步不说话：安静等对方开口。",
    called_by: [
        "你正在接听一通电话：",
        "（",
        "）",
        "打给你。这通电话是对方打的，不是你打的。",
    ],
    speak: "全程说中文，像真人打电话一样：每次只说一两句，不用列表，不用书面语。",
    script: "这通电话的经过",
    script_note: "按下面的顺序回应拨打方：不必逐字照说，但每一步都要做到写明的回应。",
    concerns_rule: "在合适的时候提出你的关切点；拨打方已经回答过的，不再追问。",
    caller_says: ["拨打方说：“", "”"],
    line_sep: "”“",
    you: "你：",
    reply: "按你的角色自然回答，不提出会改变通话走向的要求。",
    give: ["回答里给出", "——"],
    optional: "（可以不给）",
    means: "回答的意思是：",
    silence: ["一直不说话（", "秒）。"],
    withhold: "回答，但先不给出：",
    hang_up: "挂断电话。",
    goes_on: "（拨打方不等你回答，接着说下去。）",
    transfer: [
        "然后把电话转给",
        "：转接成功，你的部分到此结束。",
        "：转接没有接通，通话继续。",
    ],
    after_end: "拨打方结束通话或转接以后，你不再说话。",
    answering_machine: "你不是真人，而是语音信箱：电话接通后，播放一段语音信箱问候（例如“您好，您拨打的用户暂时无法接听，请在提示音后留言”），之后不再说话。",
    ends_with: "通话以这个结果结束：",
    ends_plainly: "通话正常结束，没有转接。",
    closing_said: "拨打方结束前说了结束语：",
    transferred: "拨打方把电话转接给：",
    captured: "拨打方问到并记下了：",
    concern_answered: "拨打方回应了这个关切：",
    first_words: [
        "电话接通后，拨打方先等接听方开口，再说开场白。",
        "电话一接通，拨打方就先说开场白。",
    ],
    quote: ["“", "”"],
};

/// English, for every locale other than Chinese.
pub const EN: Words = Words {
    for_example: [" (for example: ", ")"],
    or: "; ",
    gives_signal: ["The callee's reply means “", "”"],
    voicemail: "The call is answered by voicemail or an answering machine: a recorded greeting or a beep, not a person speaking",
    faq_asks: "The callee asks one of these questions (or the same in other words): ",
    faq_answered: "The callee's question has been answered",
    say_nothing: "Say nothing at this step: wait quietly for the callee to speak.",
    called_by: [
        "You are answering a phone call: ",
        " (",
        ")",
        " is calling you. They placed the call, not you.",
    ],
    speak: "Talk the way a real person does on the phone, in the language of the call: one or two short sentences at a time, no lists, no written style.",
    script: "How this call goes",
    script_note: "Respond to the caller in this order: in your own words, but give each response asked for.",
    concerns_rule: "Raise your concerns where they fit; don't ask again about what the caller has already answered.",
    caller_says: ["The caller says: “", "”"],
    line_sep: "” “",
    you: "You: ",
    reply: "Reply naturally, in character, without asking for anything that would change the course of the call.",
    give: ["In your reply, give ", " — "],
    optional: " (you may leave it out)",
    means: "Reply so that it means: ",
    silence: ["Say nothing (", " seconds)."],
    withhold: "Reply, but don't give yet: ",
    hang_up: "Hang up.",
    goes_on: "(The caller goes straight on without waiting for you.)",
    transfer: [
        "Then the caller transfers you to ",
        ": the transfer goes through and your part ends here.",
        ": the transfer does not go through and the call goes on.",
    ],
    after_end: "Once the caller ends the call or transfers it, say nothing more.",
    answering_machine: "You are not a person but a voicemail box: when the call connects, play a voicemail greeting (for example “Hello, I can't take your call right now, please leave a message after the tone”), then say nothing more.",
    ends_with: "The call ends with this outcome: ",
    ends_plainly: "The call ends normally, without a transfer.",
    closing_said: "Before ending, the caller says the closing line: ",
    transferred: "The caller transfers the call to: ",
    captured: "The caller asks for and records: ",
    concern_answered: "The caller addresses this concern: ",
    first_words: [
        "When the call connects, the caller lets the callee speak first, then says the opening line.",
        "The caller says the opening line as soon as the call connects.",
    ],
    quote: ["“", "”"],
};

/// The words of a language.
#[must_use]
pub const fn of(language: Language) -> &'static Words {
    match language {
        Language::Chinese => &ZH,
        Language::English => &EN,
    }
}
