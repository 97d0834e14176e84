//! The one line-breaking routine for text people read, in both languages:
//! table cells and headers fitted to a terminal, and messages on a
//! terminal. English breaks at spaces; Japanese between characters, except
//! where a Japanese reader would not: never inside a `` `command` `` (it
//! must survive copy and paste), a number or a date and time written
//! `2026年11月24日 8時10分` piece by piece, never before `。`, `、` or a
//! closing bracket, never after an opening one.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Characters no line may start with (Japanese line-start rules, 行頭禁則),
/// and the ASCII punctuation that likewise belongs to what precedes it.
fn closes(c: char) -> bool {
    matches!(
        c,
        '。' | '、'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '］'
            | '｝'
            | '〉'
            | '》'
            | '，'
            | '．'
            | '：'
            | '；'
            | '？'
            | '！'
            | 'ー'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | ')'
            | ']'
            | '}'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | '…'
    )
}

/// Characters no line may end with: opening brackets (行末禁則).
fn opens(c: char) -> bool {
    matches!(
        c,
        '（' | '「' | '『' | '【' | '〔' | '［' | '｛' | '〈' | '《' | '(' | '[' | '{'
    )
}

/// Units written after a number in Japanese (`2026年`, `8時10分`, `3 回`):
/// kept with their number.
fn unit(c: char) -> bool {
    matches!(
        c,
        '年' | '月' | '日' | '時' | '分' | '秒' | '回' | '件' | '名' | '台' | '行' | '桁' | '%'
    )
}

/// A piece of text that is never broken, and whether a space came before
/// it (a space is a break opportunity that disappears at a line break).
#[derive(Debug)]
struct Atom {
    text: String,
    space_before: bool,
}

/// `text` cut into the pieces a line may break between.
fn atoms(text: &str) -> Vec<Atom> {
    let chars: Vec<char> = text.chars().collect();
    let mut atoms: Vec<Atom> = Vec::new();
    let mut space = false;
    let mut glue_next = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ' ' {
            space = true;
            glue_next = false;
            i += 1;
            continue;
        }
        let start = i;
        if c == '`' {
            // A command: through its closing backtick, spaces and all.
            i += 1;
            while i < chars.len() && chars[i] != '`' {
                i += 1;
            }
            i = (i + 1).min(chars.len());
        } else if c.is_ascii() {
            // A word, a number or a path, with the units of a Japanese date
            // or time that follow a number (`2026年11月24日`).
            while i < chars.len() {
                let d = chars[i];
                let in_word = d.is_ascii() && d != ' ' && d != '`';
                if in_word || (unit(d) && chars[i - 1].is_ascii_digit()) {
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            i += 1;
        }
        let piece: String = chars[start..i].iter().collect();
        let attach = !space && (glue_next || piece.chars().next().is_some_and(closes));
        match atoms.last_mut() {
            Some(last) if attach => last.text.push_str(&piece),
            _ => atoms.push(Atom {
                text: piece,
                space_before: space,
            }),
        }
        glue_next = chars[i - 1..i].iter().all(|&c| opens(c));
        space = false;
    }
    atoms
}

/// `text` in lines at most `width` terminal cells wide where it can be: a
/// piece that must not be broken and is wider than `width` stands alone on
/// a longer line (a terminal wraps it; copy and paste still work).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    if text.width() <= width || width == 0 {
        return vec![text.to_string()];
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for atom in atoms(text) {
        let sep = usize::from(atom.space_before && !line.is_empty());
        if !line.is_empty() && line.width() + sep + atom.text.width() > width {
            lines.push(std::mem::take(&mut line));
        } else if sep == 1 {
            line.push(' ');
        }
        line.push_str(&atom.text);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `wrap`, for a table cell that must stay inside its column: a piece
/// wider than `width` is broken between characters as a last resort.
pub(crate) fn wrap_hard(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in wrap(text, width) {
        if line.width() <= width || width == 0 {
            out.push(line);
            continue;
        }
        let mut piece = String::new();
        for c in line.chars() {
            if piece.width() + c.width().unwrap_or(0) > width {
                out.push(std::mem::take(&mut piece));
            }
            piece.push(c);
        }
        out.push(piece);
    }
    out
}

/// Compound words of tokenctl's own headers, with where they break
/// naturally (`ワンタイム|パスワード|状態`); other Japanese headers break
/// where the script changes (`シリアル|番号`, `ログイン|ID`).
const HEADER_WORDS: [(&str, &str); 6] = [
    ("ワンタイムパスワード", "ワンタイム パスワード"),
    ("パスワード生成機", "パスワード 生成機"),
    ("生成機有効期限", "生成機 有効期限"),
    ("利用登録可能日時", "利用登録 可能日時"),
    ("生成機有効", "生成機 有効"),
    ("利用者区分", "利用者 区分"),
];

/// The pieces a header may break between: English words; Japanese words,
/// found by the script changing (katakana, kanji, Latin) and by the
/// compounds of `HEADER_WORDS`. Each piece says whether a space precedes it.
pub(crate) fn header_pieces(header: &str) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    for (n, word) in header.split(' ').filter(|w| !w.is_empty()).enumerate() {
        let mut spaced = word.to_string();
        for (compound, broken) in HEADER_WORDS {
            spaced = spaced.replace(compound, broken);
        }
        let mut first = true;
        for part in spaced.split(' ') {
            for run in script_runs(part) {
                pieces.push((run, first && n > 0));
                first = false;
            }
        }
    }
    pieces
}

/// `text` cut where its script changes, a kanji's kana ending kept with it.
fn script_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut class = None;
    for c in text.chars() {
        let this = script(c);
        let joins = class.is_none_or(|prev| prev == this || joins_previous(prev, this));
        if !joins && !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
        current.push(c);
        class = Some(this);
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Katakana,
    Hiragana,
    Kanji,
    Other,
}

fn script(c: char) -> Script {
    match c {
        _ if c.is_ascii() => Script::Latin,
        '\u{30a0}'..='\u{30ff}' => Script::Katakana,
        '\u{3040}'..='\u{309f}' => Script::Hiragana,
        '\u{4e00}'..='\u{9fff}' | '々' => Script::Kanji,
        _ => Script::Other,
    }
}

/// Whether a `next` character stays with a run of `prev`: kana after a
/// kanji (`残り`) is its ending, not a new word.
fn joins_previous(prev: Script, next: Script) -> bool {
    matches!(
        (prev, next),
        (Script::Kanji, Script::Hiragana) | (_, Script::Other)
    )
}

/// The widest piece of a header: the narrowest its column can be.
pub(crate) fn header_min(header: &str) -> usize {
    header_pieces(header)
        .iter()
        .map(|(p, _)| p.width())
        .max()
        .unwrap_or(0)
}

/// A header in lines at most `width` wide, broken only between its pieces.
pub(crate) fn wrap_header(header: &str, width: usize) -> Vec<String> {
    if header.width() <= width {
        return vec![header.to_string()];
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (piece, space) in header_pieces(header) {
        let sep = usize::from(space && !line.is_empty());
        if !line.is_empty() && line.width() + sep + piece.width() > width {
            lines.push(std::mem::take(&mut line));
        } else if sep == 1 {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_breaks_at_spaces() {
        assert_eq!(
            wrap("the registry is locked by another program", 16),
            ["the registry is", "locked by", "another program"]
        );
    }

    #[test]
    fn a_command_in_backticks_is_never_broken() {
        let text =
            "廃棄の記録は `tokenctl dispose-note 10000004 --mark-disposed` を実行してください。";
        let lines = wrap(text, 30);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("`tokenctl dispose-note 10000004 --mark-disposed`")),
            "{lines:?}"
        );
        for line in &lines {
            assert!(!line.starts_with(['。', '、', '）']), "{lines:?}");
        }
    }

    #[test]
    fn numbers_and_japanese_dates_stay_whole() {
        let text = "まだ登録できません：hamako01 の利用登録は 2026年11月24日 8時10分 以降に可能です（あと3日）";
        for width in 8..40 {
            let lines = wrap(text, width);
            let joined = lines.join("\n");
            assert!(!joined.contains("2026年\n"), "{width}: {lines:?}");
            assert!(!joined.contains("11月\n"), "{width}: {lines:?}");
            assert!(joined.contains("2026年11月24日"), "{width}: {lines:?}");
            assert!(joined.contains("8時10分"), "{width}: {lines:?}");
            for line in &lines {
                assert!(
                    !line.starts_with(['。', '、', '）', '」']),
                    "{width}: {lines:?}"
                );
                assert!(!line.ends_with(['（', '「']), "{width}: {lines:?}");
            }
        }
    }

    #[test]
    fn japanese_breaks_between_characters_but_not_before_a_full_stop() {
        let lines = wrap(
            "鍵ファイルがありません。バックアップから戻してください。",
            24,
        );
        assert_eq!(
            lines,
            [
                "鍵ファイルがありません。",
                "バックアップから戻してく",
                "ださい。"
            ]
        );
    }

    #[test]
    fn headers_break_at_words() {
        assert_eq!(
            wrap_header("パスワード生成機有効期限", 16),
            ["パスワード生成機", "有効期限"]
        );
        assert_eq!(
            wrap_header("ワンタイムパスワード状態", 12),
            ["ワンタイム", "パスワード", "状態"]
        );
        assert_eq!(wrap_header("利用登録可能日時", 8), ["利用登録", "可能日時"]);
        assert_eq!(wrap_header("ログインID", 8), ["ログイン", "ID"]);
        assert_eq!(wrap_header("シリアル番号", 8), ["シリアル", "番号"]);
        assert_eq!(wrap_header("Registrable at", 12), ["Registrable", "at"]);
        assert_eq!(header_min("Device expires"), 7);
        assert_eq!(header_min("残り日数"), 4);
    }
}
