use std::fmt::Write as _;

use super::*;

fn var(id: &str, kind: ValueType, need: Need, example: Option<&str>) -> Var {
    Var {
        id: id.to_owned(),
        kind,
        need,
        example: example.map(str::to_owned),
        pii: false,
        description: None,
    }
}

/// The variables of the design notes' example.
fn vars() -> Vec<Var> {
    vec![
        var("customer_name", ValueType::Text, Need::Required, Some("张强")),
        var("contract_end", ValueType::Date, Need::Required, Some("2026-12-31")),
        var("discount", ValueType::Percent, Need::Default("8".into()), None),
        var("fee", ValueType::Money { currency: "CNY".into() }, Need::Optional, None),
        var(
            "tier",
            ValueType::OneOf(vec!["standard".into(), "premium".into()]),
            Need::Default("standard".into()),
            None,
        ),
        var("callback", ValueType::Phone, Need::Optional, None),
    ]
}

fn options(format: ListFormat) -> Options {
    Options {
        format,
        name: "list".to_owned(),
        max_per_code: 20,
    }
}

fn run(format: ListFormat, text: &str) -> (Vec<Finding>, Summary) {
    check_bytes(text.as_bytes(), &vars(), &options(format))
}

/// Each diagnostic as `CODE line:col "text at its span"`.
fn described(found: &[Finding]) -> Vec<String> {
    found
        .iter()
        .flat_map(|f| {
            f.diagnostics.iter().map(|d| {
                let p = f.file.position(d.span.start);
                format!(
                    "{} {}:{} {:?}",
                    d.code.as_str(),
                    p.line,
                    p.column,
                    f.file.slice(d.span.range())
                )
            })
        })
        .collect()
}

const HEADER: &str = "customer_name,contract_end,discount,fee,tier,callback\n";

#[test]
fn a_date_off_the_calendar_says_why() {
    assert_eq!(calendar_note("2028-02-30").as_deref(), Some("2028-02 has 29 days"));
    assert_eq!(calendar_note("2026-04-31").as_deref(), Some("2026-04 has 30 days"));
    assert_eq!(
        calendar_note("2026-13-01").as_deref(),
        Some("a year has 12 months; `13` is not one")
    );
    assert_eq!(calendar_note("2026-12-00").as_deref(), Some("2026-12 has 31 days"));
    assert_eq!(calendar_note("2026/12/31"), None);
    assert_eq!(calendar_note("2026-1२-31"), None);
}

#[test]
fn a_clean_list_has_no_findings() {
    let list = format!("{HEADER}张强,2026-12-31,8,\"1,299\",premium,+8613800138000\n李娜,2027-01-15,,,,\n");
    let (found, summary) = run(ListFormat::Csv, &list);
    assert_eq!(described(&found), Vec::<String>::new());
    assert_eq!(summary.rows, 2);
    assert_eq!(summary.rows_with_problems, 0);
    assert_eq!(summary.bytes, list.len() as u64);
}

#[test]
fn one_bad_value_in_each_column_is_found_at_its_row_and_column() {
    let list = format!(
        "{HEADER}\
         张强,2026-02-30,8,100,premium,+8613800138000\n\
         李娜,2026-12-31,八,100,premium,+8613800138000\n\
         王芳,2026-12-31,8,12.345,premium,+8613800138000\n\
         赵磊,2026-12-31,8,100,gold,+8613800138000\n\
         刘洋,2026-12-31,8,100,premium,138 0013 8000\n\
         ,2026-12-31,8,100,premium,+8613800138000\n"
    );
    let (found, summary) = run(ListFormat::Csv, &list);
    assert_eq!(
        described(&found),
        [
            "E0404 2:4 \"2026-02-30\"",
            "E0404 3:15 \"八\"",
            "E0404 4:17 \"12.345\"",
            "E0405 5:21 \"gold\"",
            "E0404 6:29 \"138 0013 8000\"",
            "E0403 7:1 \"\"",
        ]
    );
    assert_eq!(summary.rows, 6);
    assert_eq!(summary.rows_with_problems, 6);
    assert_eq!(summary.count(Code::E0404), 4);
}

#[test]
fn messages_say_what_is_wrong_and_how_to_fix_it() {
    let list = format!("{HEADER}张强,2026-02-30,8,,Premium,\n");
    let (found, _) = run(ListFormat::Csv, &list);
    let ds = &found[0].diagnostics;
    assert_eq!(ds[0].message, "`2026-02-30` is not a date");
    assert_eq!(ds[0].label, "`contract_end` is a `date`");
    assert_eq!(ds[0].notes, ["2026-02 has 28 days"]);
    assert_eq!(ds[0].help, None, "the note says how to write it");
    assert_eq!(ds[1].code, Code::E0405);
    assert_eq!(ds[1].help.as_deref(), Some("did you mean `premium`?"));
    assert_eq!(ds[1].fix.as_ref().map(|f| f.replacement.as_str()), Some("premium"));
}

#[test]
fn the_header_names_unknown_and_missing_columns() {
    let list = "custmer_name,discount,notes\n张强,8,VIP\n";
    let (found, summary) = run(ListFormat::Csv, list);
    assert_eq!(
        described(&found),
        [
            "E0402 1:1 \"custmer_name\"",
            "E0401 1:1 \"custmer_name,discount,notes\"",
            "E0401 1:1 \"custmer_name,discount,notes\"",
            "E0402 1:23 \"notes\"",
        ]
    );
    let ds = &found[0].diagnostics;
    let typo = ds.iter().find(|d| d.code == Code::E0402).unwrap();
    assert_eq!(typo.help.as_deref(), Some("did you mean `customer_name`?"));
    assert_eq!(typo.fix.as_ref().unwrap().replacement, "customer_name");
    let missing_name = ds
        .iter()
        .find(|d| d.code == Code::E0401 && d.message.contains("customer_name"))
        .unwrap();
    assert_eq!(missing_name.secondary[0].message, "perhaps this column, `custmer_name`");
    // The rows are still checked: their columns are known or ignored.
    assert_eq!(summary.rows, 1);
    assert_eq!(summary.rows_with_problems, 0);
}

#[test]
fn a_bom_crlf_and_quoted_multiline_cells_keep_lines_and_columns_right() {
    let list = "\u{FEFF}customer_name,contract_end\r\n\
                \"张\r\n强\",2026-12-31\r\n\
                \"王, 芳\",2026-13-01\r\n\
                李娜,\"2026-12-31\"\r\n";
    let (found, summary) = run(ListFormat::Csv, list);
    assert_eq!(described(&found), ["E0404 4:8 \"2026-13-01\""]);
    assert_eq!(summary.rows, 3);
    // A quoted cell's span keeps its quotes.
    let list = "customer_name,contract_end\n\"a\nb\nc\",\"2026-1-1\"\n";
    let (found, _) = run(ListFormat::Csv, list);
    assert_eq!(described(&found), ["E0404 4:4 \"\\\"2026-1-1\\\"\""]);
    // The header after a BOM: columns count from after it; bytes count it.
    let (found, _) = run(ListFormat::Csv, "\u{FEFF}nmae,contract_end\n");
    assert_eq!(found[0].diagnostics[0].span, Span::new(3, 7));
    assert_eq!(described(&found)[0], "E0402 1:1 \"nmae\"");
}

#[test]
fn rows_of_the_wrong_width_are_reported_and_checking_goes_on() {
    let list = "customer_name,contract_end\n张强,2026-12-31,extra,more\n李娜\n王芳,2026-99-01\n";
    let (found, summary) = run(ListFormat::Csv, list);
    assert_eq!(
        described(&found),
        [
            "E0407 2:15 \"extra,more\"",
            "E0407 3:3 \"\"",
            "E0404 4:4 \"2026-99-01\"",
        ]
    );
    assert_eq!(
        found[0].diagnostics[0].message,
        "this row has 4 cells; the header has 2 columns"
    );
    assert_eq!(summary.rows, 3);
    assert_eq!(summary.rows_with_problems, 3);
}

#[test]
fn duplicated_rows_name_the_earlier_line() {
    let list = "customer_name,contract_end\n张强,2026-12-31\n李娜,2026-12-31\n张强 , 2026-12-31\n";
    let (found, summary) = run(ListFormat::Csv, list);
    assert_eq!(described(&found), ["E0406 4:1 \"张强 , 2026-12-31\""]);
    assert_eq!(found[0].diagnostics[0].message, "this row repeats the row at line 2");
    assert_eq!(summary.rows_with_problems, 1);
}

#[test]
fn empty_optional_and_default_values_are_absent_and_fine() {
    let list = "customer_name,contract_end,discount,fee,tier,callback\n张强,2026-12-31,  ,,,\n";
    let (found, _) = run(ListFormat::Csv, list);
    assert!(found.is_empty(), "{:?}", described(&found));
    // A missing column of an optional variable is fine too.
    let (found, _) = run(ListFormat::Csv, "customer_name,contract_end\n张强,2026-12-31\n");
    assert!(found.is_empty());
}

#[test]
fn past_the_limit_problems_are_counted_not_described() {
    let mut list = String::from("customer_name,contract_end\n");
    for i in 0..100 {
        writeln!(list, "客户{i},not a date").unwrap();
    }
    let mut o = options(ListFormat::Csv);
    o.max_per_code = 3;
    let (found, summary) = check_bytes(list.as_bytes(), &vars(), &o);
    assert_eq!(found.len(), 3);
    assert_eq!(summary.count(Code::E0404), 100);
    assert_eq!(summary.rows_with_problems, 100);
    assert_eq!(found[2].file.position(found[2].diagnostics[0].span.start).line, 4);
}

#[test]
fn an_empty_csv_has_no_header() {
    let (found, summary) = run(ListFormat::Csv, "");
    assert_eq!(described(&found), ["E0407 1:1 \"\""]);
    assert_eq!(summary.rows, 0);
    // A header and no rows is an empty campaign, not a problem.
    let (found, _) = run(ListFormat::Csv, "customer_name,contract_end\n");
    assert!(found.is_empty());
}

#[test]
fn a_quote_left_open_stops_the_check_in_bounded_memory() {
    let mut list = String::from("customer_name,contract_end\n张强,2026-12-31\n\"李娜,2026-12-31\n");
    let row = "王芳,2026-12-31\n";
    while list.len() <= MAX_RECORD_BYTES + 100_000 {
        list.push_str(row);
    }
    let (found, summary) = run(ListFormat::Csv, &list);
    assert_eq!(described(&found), ["E0407 3:1 \"\""]);
    assert!(summary.stopped);
    assert_eq!(summary.rows, 2);
    assert_eq!(found[0].file.text, "\"李娜,2026-12-31");
}

#[test]
fn bytes_that_are_not_utf8_are_reported_and_the_next_rows_checked() {
    let mut list = b"customer_name,contract_end\n".to_vec();
    list.extend_from_slice(b"\xD5\xC5\xC7\xBF,2026-12-31\n");
    list.extend_from_slice("李娜,2026-12-32\n".as_bytes());
    let (found, summary) = check_bytes(&list, &vars(), &options(ListFormat::Csv));
    let codes: Vec<&str> = found
        .iter()
        .flat_map(|f| &f.diagnostics)
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["E0002", "E0404"]);
    assert_eq!(found[0].diagnostics[0].span.start, 27);
    assert_eq!(found[1].file.position(found[1].diagnostics[0].span.start).line, 3);
    assert_eq!(summary.rows, 2);
}

#[test]
fn jsonl_values_may_be_strings_numbers_or_booleans() {
    let vars = vec![
        var("name", ValueType::Text, Need::Required, None),
        var(
            "age",
            ValueType::Integer {
                min: Some(18),
                max: None,
            },
            Need::Optional,
            None,
        ),
        var("consent", ValueType::YesNo, Need::Optional, None),
        var("fee", ValueType::Money { currency: "CNY".into() }, Need::Optional, None),
    ];
    let list = "{\"name\": \"张强\", \"age\": 42, \"consent\": true, \"fee\": 1299.5}\n\
                {\"name\": \"李\\u5a1c\", \"age\": \"42\", \"consent\": \"否\", \"fee\": null}\n\
                \n\
                {\"name\": \"王芳\", \"age\": 12, \"consent\": 3, \"fee\": [1]}\n";
    let (found, summary) = check_bytes(list.as_bytes(), &vars, &options(ListFormat::Jsonl));
    assert_eq!(
        described(&found),
        ["E0404 4:23 \"12\"", "E0404 4:38 \"3\"", "E0404 4:48 \"[1]\""]
    );
    assert_eq!(summary.rows, 3);
    assert_eq!(found[0].diagnostics[0].message, "`12` is out of range for `age`");
    assert_eq!(found[0].diagnostics[0].label, "12 is less than 18, the least allowed");
}

#[test]
fn jsonl_problems_point_at_keys_values_and_lines() {
    let list = "\u{FEFF}{\"customer_name\": \"张强\", \"contract_end\": \"2026-12-31\", \"custmer_name\": 1}\r\n\
                {\"contract_end\": null, \"tier\": \"premum\", \"custmer_name\": 2}\r\n\
                [1, 2]\r\n\
                {\"customer_name\": \"李娜\", \"contract_end\": \"2026-12-31\"\r\n\
                {\"customer_name\": \"王芳\", \"customer_name\": \"王芳\", \"contract_end\": \"2026-12-31\"}\r\n\
                {\"customer_name\": \"张强\", \"contract_end\": \"2026-12-31\", \"custmer_name\": 1}\r\n";
    let (found, summary) = run(ListFormat::Jsonl, list);
    assert_eq!(
        described(&found),
        [
            "E0402 1:55 \"\\\"custmer_name\\\"\"",
            "E0403 2:1 \"{\\\"contract_end\\\": null, \\\"tier\\\": \\\"premum\\\", \\\"custmer_name\\\": 2}\"",
            "E0403 2:18 \"null\"",
            "E0405 2:32 \"\\\"premum\\\"\"",
            "E0407 3:1 \"[1, 2]\"",
            "E0407 4:53 \"\"",
            "E0407 5:25 \"\\\"customer_name\\\"\"",
            "E0406 6:1 \"{\\\"customer_name\\\": \\\"张强\\\", \\\"contract_end\\\": \\\"2026-12-31\\\", \\\"custmer_name\\\": 1}\"",
        ]
    );
    let gold = &found[1].diagnostics[2];
    assert_eq!(gold.fix.as_ref().unwrap().replacement, "\"premium\"");
    // The line has `customer_name` already: no rename is offered.
    let typo = &found[0].diagnostics[0];
    assert_eq!(typo.fix, None);
    assert_eq!(
        typo.notes[0],
        "it is close to `customer_name`, which the list has already"
    );
    assert_eq!(
        found[4].diagnostics[0].message,
        "the key `customer_name` is given twice"
    );
    assert_eq!(summary.rows, 6);
    // The first line's unknown key is a problem of that line.
    assert_eq!(summary.rows_with_problems, 6);
}

#[test]
fn a_jsonl_key_with_escapes_is_found_too() {
    let list = "{\"customer_name\": \"张强\", \"contract_end\": \"2026-12-31\", \"n\\u00e4me\" : 1}\n";
    let (found, _) = run(ListFormat::Jsonl, list);
    assert_eq!(described(&found), ["E0402 1:55 \"\\\"n\\\\u00e4me\\\"\""]);
}

#[test]
fn every_kind_of_problem_is_counted_in_the_summary() {
    let list = "customer_name,contract_end,x\n,2026-12-31,1\n,2026-12-31,1\n";
    let (_, summary) = run(ListFormat::Csv, list);
    assert_eq!(summary.counts, [(Code::E0402, 1), (Code::E0403, 2), (Code::E0406, 1)]);
    assert_eq!(summary.problems(), 4);
}

#[test]
fn a_jsonl_line_too_long_is_reported_and_the_next_lines_checked() {
    let mut list = String::from("{\"customer_name\": \"");
    list.push_str(&"张".repeat(MAX_RECORD_BYTES / 3 + 10));
    list.push_str("\", \"contract_end\": \"2026-12-31\"}\n");
    list.push_str("{\"customer_name\": \"李娜\", \"contract_end\": \"2026-12-32\"}\n");
    let (found, summary) = run(ListFormat::Jsonl, &list);
    assert_eq!(
        described(&found),
        ["E0407 1:1 \"\"", "E0404 2:41 \"\\\"2026-12-32\\\"\""]
    );
    assert_eq!(summary.rows, 2);
    assert!(!summary.stopped);
    // The finding shows the line's start, not 4 MiB of it.
    assert!(found[0].file.text.len() <= 200, "{}", found[0].file.text.len());
    assert_eq!(summary.bytes, list.len() as u64);
}
