//! A table printed row by row, for `list` on a million users: a first pass
//! measures the columns, a second prints. At full width it draws exactly
//! what comfy-table draws with the UTF8_FULL_CONDENSED preset (a test holds
//! them together), so big and small tables look the same. Fitted to a
//! terminal, columns are left out, least needed first, until the rest fit
//! without cutting a date, an instant, a login ID or a serial; headers
//! break only between words, prose cells wrap (`wrap`).

use std::io::Write;

use unicode_width::UnicodeWidthStr;

use crate::error::Result;
use crate::output::{wrap, write_error};

/// The narrowest a wrapped column (names, details) is made before columns
/// are left out, unless its cells are narrower.
const MIN_WRAPPED: usize = 10;

/// The widest word of a wrapped column that is kept whole when there is
/// room: a login ID in an audit row's targets, a path in its detail.
const MAX_WHOLE_WORD: usize = 24;

/// Column widths in terminal cells, grown row by row in the first pass.
#[derive(Debug, Clone)]
pub(crate) struct Widths {
    headers: Vec<String>,
    /// Each header's width, and its widest piece (it breaks only between
    /// words: `wrap::header_pieces`).
    header: Vec<usize>,
    header_min: Vec<usize>,
    /// The widest cell of each column so far, and its longest piece that
    /// should not be broken (an ASCII word; Japanese breaks anywhere).
    content: Vec<usize>,
    content_word: Vec<usize>,
    /// Whether a column holds prose that may wrap at its spaces (a name,
    /// a detail). Every other column (dates, instants, login IDs, serials,
    /// states) is shown whole or left out, never cut.
    breakable: Vec<bool>,
    /// Columns never left out (the login ID of a user list).
    kept: Vec<bool>,
    /// The columns to leave out first when the table cannot fit.
    drop_order: Option<Vec<usize>>,
    /// The columns shown and their widths, when the table was fitted.
    fitted: Option<(Vec<usize>, Vec<usize>)>,
}

impl Widths {
    pub(crate) fn of_headers(headers: &[String]) -> Widths {
        let n = headers.len();
        Widths {
            headers: headers.to_vec(),
            header: headers.iter().map(|h| h.width()).collect(),
            header_min: headers.iter().map(|h| wrap::header_min(h)).collect(),
            content: vec![0; n],
            content_word: vec![0; n],
            breakable: vec![false; n],
            kept: vec![false; n],
            drop_order: None,
            fitted: None,
        }
    }

    pub(crate) fn measure(&mut self, cells: &[String]) {
        for (i, cell) in cells.iter().enumerate().take(self.content.len()) {
            // Most cells are one printable ASCII word (a login ID, a
            // serial, a date): its width and its longest word are its
            // length, without walking it again.
            let plain_word = is_printable_ascii(cell) && !cell.contains(' ');
            let (width, word) = if plain_word {
                (cell.len(), cell.len())
            } else {
                (cell_width(cell), unbreakable(cell))
            };
            self.content[i] = self.content[i].max(width);
            self.content_word[i] = self.content_word[i].max(word);
            if !plain_word && !self.breakable[i] && cell.contains(' ') && !is_instant(cell) {
                self.breakable[i] = true;
            }
        }
    }

    /// Keeps column `index` in a fitted table: it is never left out.
    pub(crate) fn keep(&mut self, index: usize) {
        if let Some(kept) = self.kept.get_mut(index) {
            *kept = true;
        }
    }

    /// The columns to leave out first, least needed first, when the table
    /// cannot fit (by default the rightmost, never the first).
    pub(crate) fn drop_first(&mut self, order: &[usize]) {
        self.drop_order = Some(order.to_vec());
    }

    /// The headers of the columns left out to fit, in table order.
    pub(crate) fn left_out(&self) -> Vec<String> {
        match &self.fitted {
            Some((shown, _)) => (0..self.headers.len())
                .filter(|i| !shown.contains(i))
                .map(|i| self.headers[i].clone())
                .collect(),
            None => Vec::new(),
        }
    }

    /// The columns drawn, by index.
    fn shown(&self) -> Vec<usize> {
        match &self.fitted {
            Some((shown, _)) => shown.clone(),
            None => (0..self.headers.len()).collect(),
        }
    }

    /// The width of each column as drawn.
    fn columns(&self) -> Vec<usize> {
        match &self.fitted {
            Some((_, widths)) => widths.clone(),
            None => self.full(),
        }
    }

    fn full(&self) -> Vec<usize> {
        self.header
            .iter()
            .zip(&self.content)
            .map(|(h, c)| (*h).max(*c))
            .collect()
    }

    /// The narrowest column `i` can be: every cell whole (a date, an
    /// instant, an ID), or, for prose, a few words wide; never narrower
    /// than the widest word of its header. An empty column is as wide as
    /// its header needs.
    fn least(&self, i: usize) -> usize {
        let cells = if self.breakable[i] {
            let word = self.content_word[i].min(MAX_WHOLE_WORD);
            self.content[i].min(word.max(MIN_WRAPPED))
        } else {
            self.content[i]
        };
        cells.max(self.header_min[i]).max(1)
    }

    /// Chooses the columns and their widths so the whole table, borders
    /// included, is at most `total` cells wide: columns are left out (least
    /// needed first) until every remaining one fits at its least width,
    /// and the room left widens, a cell at a time, the narrowest columns
    /// still short of their cells, then of their headers. A table that
    /// fits is drawn as it is.
    pub(crate) fn fit(&mut self, total: usize) {
        let full = self.full();
        let n = full.len();
        if full.iter().sum::<usize>() + 3 * n < total {
            return;
        }
        let mut shown: Vec<usize> = (0..n).collect();
        let order = self
            .drop_order
            .clone()
            .unwrap_or_else(|| (1..n).rev().collect());
        let needs = |shown: &[usize]| -> usize {
            shown.iter().map(|&i| self.least(i)).sum::<usize>() + 3 * shown.len() + 1
        };
        let mut dropped = Vec::new();
        for i in order {
            if needs(&shown) <= total || shown.len() == 1 {
                break;
            }
            if !self.kept[i] && shown.contains(&i) {
                shown.retain(|&c| c != i);
                dropped.push(i);
            }
        }
        // A narrow column left out on the way may fit beside the rest (the
        // wide one after it made the room): the most needed first.
        for i in dropped.into_iter().rev() {
            let mut with = shown.clone();
            with.push(i);
            with.sort_unstable();
            if needs(&with) <= total {
                shown = with;
            }
        }
        let mut widths: Vec<usize> = shown.iter().map(|&i| self.least(i)).collect();
        let mut spare = total.saturating_sub(needs(&shown));
        let wants = [
            shown
                .iter()
                .map(|&i| self.content[i].max(self.header_min[i]))
                .collect::<Vec<_>>(),
            shown.iter().map(|&i| full[i]).collect(),
        ];
        for want in wants {
            while spare > 0 {
                let Some(k) = (0..widths.len())
                    .filter(|&k| widths[k] < want[k])
                    .min_by_key(|&k| widths[k])
                else {
                    break;
                };
                widths[k] += 1;
                spare -= 1;
            }
        }
        self.fitted = Some((shown, widths));
    }
}

/// Whether a cell is printable ASCII only, so that its width in terminal
/// cells is its length.
fn is_printable_ascii(cell: &str) -> bool {
    cell.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// A cell's width in terminal cells (a Japanese character takes two).
fn cell_width(cell: &str) -> usize {
    if is_printable_ascii(cell) {
        cell.len()
    } else {
        cell.width()
    }
}

/// Whether a cell is an instant (`2026-11-24 08:10:00 JST`,
/// `2026年11月24日 8時10分`): it has spaces, yet is never broken.
fn is_instant(cell: &str) -> bool {
    cell.split(' ')
        .next()
        .is_some_and(|first| crate::time::parse_date(first).is_some())
}

/// The widest piece of `text` that wrapping should not break: its longest
/// run of ASCII characters without a space (Japanese may break between any
/// two characters).
fn unbreakable(text: &str) -> usize {
    text.split(|c: char| c == ' ' || !c.is_ascii())
        .map(str::len)
        .max()
        .unwrap_or(0)
        .max(usize::from(!text.is_ascii()) * 2)
}

/// Prints the table's top border and header once, then rows, then the
/// bottom border on `finish`. A fitted table draws only the columns
/// `Widths::fit` kept; rows are handed over whole.
pub(crate) struct StreamTable<'a> {
    out: &'a mut dyn Write,
    widths: Widths,
    shown: Vec<usize>,
    /// The width of each column drawn (`widths.columns()`, fixed once the
    /// table starts).
    columns: Vec<usize>,
    /// The line being drawn and its cells' widths, kept from row to row:
    /// a million-row table allocates them once.
    line: String,
    cell_widths: Vec<usize>,
}

impl<'a> StreamTable<'a> {
    pub(crate) fn start(
        out: &'a mut dyn Write,
        headers: &[String],
        widths: Widths,
    ) -> Result<Self> {
        let shown = widths.shown();
        let columns = widths.columns();
        let mut table = StreamTable {
            out,
            widths,
            shown,
            columns,
            line: String::new(),
            cell_widths: Vec::new(),
        };
        table.rule('┌', '─', '┬', '┐')?;
        let headers = table.project(headers);
        let columns: Vec<Vec<String>> = headers
            .iter()
            .zip(table.widths.columns())
            .map(|(header, width)| wrap::wrap_header(header, width))
            .collect();
        table.lines(columns)?;
        table.rule('╞', '═', '╪', '╡')?;
        Ok(table)
    }

    /// The headers of the columns left out to fit.
    pub(crate) fn left_out(&self) -> Vec<String> {
        self.widths.left_out()
    }

    /// The cells of the columns drawn.
    fn project(&self, cells: &[String]) -> Vec<String> {
        self.shown
            .iter()
            .map(|&i| cells.get(i).cloned().unwrap_or_default())
            .collect()
    }

    /// One row, each cell wrapped to its column (one line when it fits).
    /// Only prose columns ever hold a cell wider than their column.
    pub(crate) fn row(&mut self, cells: &[String]) -> Result<()> {
        let cells = if self.shown.len() == cells.len() {
            std::borrow::Cow::Borrowed(cells)
        } else {
            std::borrow::Cow::Owned(self.project(cells))
        };
        // Piped, and on a wide enough terminal, every cell fits: one line,
        // written without splitting (the common case, a million times).
        let mut cell_widths = std::mem::take(&mut self.cell_widths);
        cell_widths.clear();
        cell_widths.extend(cells.iter().map(|cell| cell_width(cell)));
        let fits = cell_widths
            .iter()
            .zip(&self.columns)
            .all(|(w, column)| w <= column);
        let drawn = if fits {
            self.row_with(&cells, &cell_widths, '┆')
        } else {
            let columns: Vec<Vec<String>> = cells
                .iter()
                .zip(&self.columns)
                .map(|(cell, width)| wrap::wrap_hard(cell, *width))
                .collect();
            self.lines(columns)
        };
        self.cell_widths = cell_widths;
        drawn
    }

    /// Cells of several lines, side by side.
    fn lines(&mut self, columns: Vec<Vec<String>>) -> Result<()> {
        let height = columns.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            let line: Vec<String> = columns
                .iter()
                .map(|lines| lines.get(i).cloned().unwrap_or_default())
                .collect();
            let widths: Vec<usize> = line.iter().map(|cell| cell_width(cell)).collect();
            self.row_with(&line, &widths, '┆')?;
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        self.rule('└', '─', '┴', '┘')
    }

    fn rule(&mut self, left: char, line: char, joint: char, right: char) -> Result<()> {
        let mut text = String::new();
        text.push(left);
        for (i, width) in self.columns.iter().enumerate() {
            if i > 0 {
                text.push(joint);
            }
            text.extend(std::iter::repeat_n(line, width + 2));
        }
        text.push(right);
        writeln!(self.out, "{text}").map_err(write_error)
    }

    /// One line of cells whose widths are `cell_widths`, each padded to
    /// its column.
    fn row_with(&mut self, cells: &[String], cell_widths: &[usize], separator: char) -> Result<()> {
        let text = &mut self.line;
        text.clear();
        text.push('│');
        for (i, ((cell, width), column)) in
            cells.iter().zip(cell_widths).zip(&self.columns).enumerate()
        {
            if i > 0 {
                text.push(separator);
            }
            text.push(' ');
            text.push_str(cell);
            pad(text, column.saturating_sub(*width) + 1);
        }
        text.push_str("│\n");
        self.out.write_all(text.as_bytes()).map_err(write_error)
    }
}

/// `n` spaces.
fn pad(text: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let run = n.min(SPACES.len());
        text.push_str(&SPACES[..run]);
        n -= run;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;

    #[test]
    fn a_fitted_table_leaves_columns_out_and_never_cuts_an_id_or_instant() {
        let headers = strings(&[
            "ログインID",
            "利用者名",
            "ワンタイムパスワード状態",
            "Registrable at",
        ]);
        let row = strings(&[
            "a-very-long-login-id-of-forty-characters",
            "芳金 太郎",
            "サービス利用中",
            "2026年11月24日 8時10分",
        ]);
        let mut widths = Widths::of_headers(&headers);
        widths.measure(&row);
        widths.drop_first(&[1, 2]);
        widths.fit(70);
        let mut text = Vec::new();
        let mut table = StreamTable::start(&mut text, &headers, widths).unwrap();
        table.row(&row).unwrap();
        let left_out = table.left_out();
        table.finish().unwrap();
        let text = String::from_utf8(text).unwrap();
        for line in text.lines() {
            assert!(line.width() <= 70, "{line:?} is {} wide", line.width());
        }
        assert!(!text.contains('…'), "{text}");
        assert!(
            text.contains("a-very-long-login-id-of-forty-characters"),
            "{text}"
        );
        assert!(
            text.contains("2026年11月24日 8時10分"),
            "the instant is whole: {text}"
        );
        assert_eq!(left_out, ["利用者名", "ワンタイムパスワード状態"]);
    }

    #[test]
    fn an_empty_column_is_as_wide_as_its_header_needs() {
        let headers = strings(&["ログインID", "シリアル番号", "ロック", "Registrable at"]);
        let row = strings(&["taro01", "23456789", "", "2026-11-24 08:10:00 JST"]);
        let mut widths = Widths::of_headers(&headers);
        widths.measure(&row);
        widths.fit(58);
        assert_eq!(widths.columns(), [8, 8, 6, 23]);
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn draws_what_comfy_table_draws() {
        let headers = strings(&["ログインID", "Name", "Expires"]);
        let rows = [
            strings(&["taro01", "芳金 太郎", "2026年12月30日"]),
            strings(&["a-much-longer-login", "x", "-"]),
            strings(&["", "", ""]),
        ];
        let mut widths = Widths::of_headers(&headers);
        for row in &rows {
            widths.measure(row);
        }
        let mut streamed = Vec::new();
        let mut table = StreamTable::start(&mut streamed, &headers, widths).unwrap();
        for row in &rows {
            table.row(row).unwrap();
        }
        table.finish().unwrap();

        let mut reference = comfy_table::Table::new();
        reference
            .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
            .set_header(headers.clone());
        for row in &rows {
            reference.add_row(row.clone());
        }
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            format!("{reference}\n")
        );
        let mut bounded = Vec::new();
        crate::output::write_table(&Output::english(), &mut bounded, headers, rows.to_vec())
            .unwrap();
        assert_eq!(
            String::from_utf8(bounded).unwrap(),
            format!("{reference}\n")
        );
    }
}
