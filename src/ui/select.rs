//! `revoke`'s selection screen: the users in service as a checkbox list,
//! columns aligned by display width under their names. When they are more
//! than fit on the terminal, a filter is asked first and the list is paged
//! to the terminal's height. The choice is echoed as login IDs.
//!
//! The command reads the users and decides which may be offered; this
//! module only shows them and says which were chosen.

use chrono::NaiveDate;

use crate::catalogue::Msg;
use crate::error::Result;
use crate::output::Output;
use crate::rules::status::Role;
use crate::time::IsoDate;
use crate::ui::prompt::Terminal;

/// Lines of the terminal the checkbox list leaves to the rest: its prompt
/// and column names,
/// dialoguer's page line, and the notes printed before it.
const LINES_AROUND_THE_LIST: usize = 5;

/// At most this many login IDs are echoed after the selection; the preview
/// before the confirmation lists every one.
const ECHOED_IDS: usize = 20;

/// A user the screen offers, as its row shows them.
pub(crate) struct Candidate {
    pub(crate) login_id: String,
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) serial: Option<String>,
    pub(crate) expires: Option<NaiveDate>,
}

/// The procedure's selection screen: a checkbox list of the users
/// `offered`, after a note naming those `not_offered` (expired devices,
/// which only the bank can revoke). When they are more than fit on the
/// terminal, a filter is asked first, and the list is paged to the
/// terminal's height. The login IDs chosen, echoed on stderr; none when
/// the master chose none.
pub(crate) fn choose(
    term: &Terminal,
    o: &Output,
    offered: &[Candidate],
    not_offered: Vec<String>,
) -> Result<Vec<String>> {
    if !not_offered.is_empty() {
        // Never offered: only the bank can revoke an expired device.
        eprintln!(
            "{}",
            o.t(Msg::NotOfferedExpired {
                login_ids: not_offered
            })
        );
    }
    let cells: Vec<[String; 5]> = offered
        .iter()
        .map(|r| {
            [
                r.login_id.clone(),
                r.name.clone(),
                o.role(r.role),
                r.serial.clone().unwrap_or_else(|| "-".into()),
                r.expires.map(|e| o.date(e)).unwrap_or_default(),
            ]
        })
        .collect();
    let page = term.height().saturating_sub(LINES_AROUND_THE_LIST).max(3);
    let shown: Vec<usize> = if offered.len() > page {
        filtered(term, o, offered)?
    } else {
        (0..offered.len()).collect()
    };
    let (header, items) = rows_that_fit(term, o, &cells, &shown);
    let prompt = o.t(Msg::SelectTargets);
    let chosen: Vec<String> = term
        .select(&prompt, &header, &items, page)?
        .into_iter()
        .map(|i| offered[shown[i]].login_id.clone())
        .collect();
    if !chosen.is_empty() {
        eprintln!("{}", selected_line(o, &chosen));
    }
    Ok(chosen)
}

/// The column names and the rows `shown`, aligned, each narrow enough for
/// the terminal.
fn rows_that_fit(
    term: &Terminal,
    o: &Output,
    cells: &[[String; 5]],
    shown: &[usize],
) -> (String, Vec<String>) {
    // The column names first, aligned with the rows.
    let header = o.labels(&[
        Msg::LabelLoginId,
        Msg::LabelName,
        Msg::LabelRole,
        Msg::LabelSerial,
        Msg::LabelExpires,
    ]);
    let mut shown_cells: Vec<[String; 5]> = vec![header.try_into().unwrap_or_default()];
    shown_cells.extend(shown.iter().map(|&i| cells[i].clone()));
    let mut items = aligned(&shown_cells);
    // dialoguer (0.12) measures a checkbox row in bytes when it redraws, and
    // a row of more bytes than the terminal has columns makes it erase a
    // line too many each time: the prompt, then the column names, went.
    // The role, then the name, are left out until every row fits.
    for column in [2, 1] {
        if items.iter().all(|item| item.len() + 2 <= term.width()) {
            break;
        }
        for row in shown_cells.iter_mut() {
            row[column].clear();
        }
        items = aligned(&shown_cells);
    }
    let header = items.remove(0);
    (header, items)
}

/// Asks for a filter until one matches a user; the indices of the users
/// it matches, in order.
fn filtered(term: &Terminal, o: &Output, offered: &[Candidate]) -> Result<Vec<usize>> {
    // Why and how, said once and wrapped to the terminal; the prompt itself
    // is short, so that it fits on one line and leaves no copy behind.
    let why = o.t(Msg::FilterPrompt {
        count: offered.len(),
    });
    for line in crate::output::wrap::wrap(&why, term.width()) {
        eprintln!("{line}");
    }
    let prompt = o.t(Msg::FilterAsk);
    loop {
        let filter = term.text(&prompt)?;
        let matched: Vec<usize> = offered
            .iter()
            .enumerate()
            .filter(|(_, row)| matches_filter(row, &filter))
            .map(|(i, _)| i)
            .collect();
        if !matched.is_empty() {
            return Ok(matched);
        }
        let shown = crate::text::escape_controls(filter.trim());
        let nothing = Msg::FilterMatchesNone {
            filter: shown.into_owned(),
        };
        eprintln!("{}", o.t(nothing));
    }
}

/// Whether a user of the selection matches a filter as typed: their login
/// ID, name, serial or expiry date (`YYYY-MM-DD`, so `2026-12` finds the
/// month) contains it, ignoring case and full-width forms. An empty filter
/// matches everyone.
fn matches_filter(row: &Candidate, filter: &str) -> bool {
    let needle = crate::text::typed(filter).to_lowercase();
    if needle.is_empty() {
        return true;
    }
    let has = |field: &str| crate::text::typed(field).to_lowercase().contains(&needle);
    has(&row.login_id)
        || has(&row.name)
        || row.serial.as_deref().is_some_and(has)
        || row.expires.is_some_and(|e| has(IsoDate::of(e).as_str()))
}

/// The echo of a selection: its login IDs, the first `ECHOED_IDS` of them.
fn selected_line(o: &Output, ids: &[String]) -> String {
    let shown = &ids[..ids.len().min(ECHOED_IDS)];
    let more = ids.len() - shown.len();
    o.t(Msg::Selected {
        login_ids: shown.to_vec(),
        more,
    })
}

/// Rows whose columns line up on a terminal, measured in display columns
/// (a Japanese character takes two).
fn aligned(rows: &[[String; 5]]) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut widths = [0usize; 5];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    // A column left out (every cell empty) takes no room.
    let columns: Vec<usize> = (0..5).filter(|&i| widths[i] > 0).collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (n, &i) in columns.iter().enumerate() {
                line.push_str(&row[i]);
                if n + 1 < columns.len() {
                    line.push_str(&" ".repeat(widths[i] - row[i].width() + 2));
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(login_id: &str, name: &str, serial: &str, expires: &str) -> Candidate {
        Candidate {
            login_id: login_id.into(),
            name: name.into(),
            role: Role::General,
            serial: Some(serial.into()),
            expires: crate::time::parse_ymd(expires),
        }
    }

    #[test]
    fn the_filter_matches_login_id_name_serial_or_expiry_month_ignoring_case() {
        let hamako = row("Hamako01", "芳金 花子", "45678909", "2026-12-30");
        for filter in [
            "",
            "  ",
            "hamako",
            "HAMAKO0",
            "花子",
            "4567",
            "2026-12",
            "ｈａｍａｋｏ",
            "２０２６－１２",
        ] {
            assert!(matches_filter(&hamako, filter), "{filter:?}");
        }
        for filter in ["taro", "2027-01", "12345", "太郎"] {
            assert!(!matches_filter(&hamako, filter), "{filter:?}");
        }
    }

    #[test]
    fn the_echo_of_a_selection_is_its_login_ids_and_a_count_of_the_rest() {
        let en = Output::english();
        let ids: Vec<String> = (1..=22).map(|i| format!("u{i:02}")).collect();
        assert_eq!(selected_line(&en, &ids[..2]), "Selected: u01, u02");
        let long = selected_line(&en, &ids);
        assert!(long.ends_with("u20 and 2 more"), "{long}");
        assert!(!long.contains("u21"), "{long}");
        assert_eq!(
            selected_line(&Output::japanese(), &ids[..2]),
            "選択した利用者：u01、u02"
        );
    }
}
