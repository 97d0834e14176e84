//! A table printed row by row, for `list` on a million users: a first pass
//! measures the columns, a second prints. At full width it draws exactly
//! what comfy-table draws with the UTF8_FULL_CONDENSED preset (a test holds
//! them together), so big and small tables look the same. Fitted to a
//! terminal, the widest columns give up cells first; headers wrap, and a
//! cell wraps onto at most `FITTED_CELL_LINES` lines, cut with `…` beyond.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

use crate::error::Result;
use crate::output::{FITTED_CELL_LINES, write_error};

/// The narrowest a fitted column gets, in cells (a header wraps to it).
const MIN_COLUMN: usize = 5;

/// Column widths in terminal cells, grown row by row in the first pass.
#[derive(Debug, Clone)]
pub struct Widths {
    /// Each header's width, and its longest word's.
    header: Vec<usize>,
    header_word: Vec<usize>,
    /// The widest cell of each column so far, and its longest piece that
    /// should not be broken (an ASCII word; Japanese breaks anywhere).
    content: Vec<usize>,
    content_word: Vec<usize>,
    /// Columns never narrowed below their content (login IDs, serials).
    kept: Vec<bool>,
    /// The widths chosen by `fit`, when the table was fitted.
    fitted: Option<Vec<usize>>,
}

impl Widths {
    pub fn of_headers(headers: &[String]) -> Widths {
        Widths {
            header: headers.iter().map(|h| h.width()).collect(),
            header_word: headers
                .iter()
                .map(|h| h.split(' ').map(|w| w.width()).max().unwrap_or(0))
                .collect(),
            content: vec![0; headers.len()],
            content_word: vec![0; headers.len()],
            kept: vec![false; headers.len()],
            fitted: None,
        }
    }

    pub fn measure(&mut self, cells: &[String]) {
        for (i, cell) in cells.iter().enumerate().take(self.content.len()) {
            self.content[i] = self.content[i].max(cell.width());
            self.content_word[i] = self.content_word[i].max(unbreakable(cell));
        }
    }

    /// Keeps column `index` as wide as its widest cell when fitting: the
    /// values people copy (login IDs, serials) are never wrapped or cut.
    pub fn keep(&mut self, index: usize) {
        if let Some(kept) = self.kept.get_mut(index) {
            *kept = true;
        }
    }

    /// The width of each column as drawn.
    fn columns(&self) -> Vec<usize> {
        match &self.fitted {
            Some(widths) => widths.clone(),
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

    /// Narrows the columns so the whole table, borders included, is at
    /// most `total` cells wide. A column whose cells (and header words, up
    /// to `MIN_COLUMN` cells of them) fit in a fair share of the room keeps
    /// that; the others share what is left evenly, wrapping their headers
    /// and cells. Kept columns are never narrowed. A table that cannot fit
    /// stays as narrow as it can.
    pub fn fit(&mut self, total: usize) {
        let full = self.full();
        let borders = 3 * full.len() + 1;
        let room = total.saturating_sub(borders);
        if full.iter().sum::<usize>() <= room {
            return;
        }
        // What a column needs to show every cell whole, and at least what
        // it needs so that no word is broken.
        let header_want = |i: usize| self.header_word[i].min(MIN_COLUMN);
        let want: Vec<usize> = (0..full.len())
            .map(|i| self.content[i].max(header_want(i)).max(1))
            .collect();
        let least: Vec<usize> = (0..full.len())
            .map(|i| {
                let word = self.content_word[i].max(MIN_COLUMN.min(self.content[i]));
                word.max(header_want(i)).max(1)
            })
            .collect();
        if least.iter().sum::<usize>() <= room {
            // Every word whole; the room left goes, a cell at a time, to the
            // columns still short of showing their cells on one line.
            let mut widths = least;
            let mut spare = room - widths.iter().sum::<usize>();
            while spare > 0 {
                let Some(i) = (0..widths.len())
                    .filter(|&i| widths[i] < want[i])
                    .min_by_key(|&i| widths[i])
                else {
                    break;
                };
                widths[i] += 1;
                spare -= 1;
            }
            for (i, width) in widths.iter_mut().enumerate() {
                let extra = full[i].saturating_sub(*width).min(spare);
                *width += extra;
                spare -= extra;
            }
            self.fitted = Some(widths);
            return;
        }
        let mut widths = vec![0; full.len()];
        let mut left: Vec<usize> = Vec::new();
        let mut room_left = room;
        for i in 0..full.len() {
            if self.kept[i] {
                widths[i] = want[i];
                room_left = room_left.saturating_sub(want[i]);
            } else {
                left.push(i);
            }
        }
        loop {
            if left.is_empty() {
                break;
            }
            let fair = room_left / left.len();
            let (small, big): (Vec<usize>, Vec<usize>) =
                left.iter().partition(|&&i| want[i] <= fair);
            if small.is_empty() {
                let mut spare = room_left - fair * big.len();
                for &i in &big {
                    let extra = usize::from(spare > 0);
                    spare -= extra;
                    widths[i] = (fair + extra).max(MIN_COLUMN.min(want[i]));
                }
                break;
            }
            for &i in &small {
                widths[i] = want[i];
                room_left -= want[i];
            }
            left = big;
        }
        // Room to spare goes to headers that would otherwise wrap.
        let mut spare = room.saturating_sub(widths.iter().sum());
        for (i, width) in widths.iter_mut().enumerate() {
            let extra = full[i].saturating_sub(*width).min(spare);
            *width += extra;
            spare -= extra;
        }
        self.fitted = Some(widths);
    }
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

/// `text` in lines at most `width` cells wide, broken at spaces where it
/// can and inside a word where it must; beyond `max_lines` the last line is
/// cut with `…`.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    if text.width() <= width || width == 0 {
        return vec![text.to_string()];
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!line.is_empty());
        if line.width() + sep + word.width() <= width {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if line.width() + w > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("at least one line");
        while last.width() + 1 > width {
            last.pop();
        }
        last.push('…');
    }
    lines
}

/// Prints the table's top border and header once, then rows, then the
/// bottom border on `finish`.
pub struct StreamTable<'a> {
    out: &'a mut dyn Write,
    widths: Widths,
}

impl<'a> StreamTable<'a> {
    pub fn start(out: &'a mut dyn Write, headers: &[String], widths: Widths) -> Result<Self> {
        let mut table = StreamTable { out, widths };
        table.rule('┌', '─', '┬', '┐')?;
        table.wrapped(headers, usize::MAX)?;
        table.rule('╞', '═', '╪', '╡')?;
        Ok(table)
    }

    pub fn row(&mut self, cells: &[String]) -> Result<()> {
        self.wrapped(cells, FITTED_CELL_LINES)
    }

    /// One row, each cell wrapped to its column (one line when it fits).
    fn wrapped(&mut self, cells: &[String], max_lines: usize) -> Result<()> {
        // Piped, and on a wide enough terminal, every cell fits: one line,
        // written without splitting (the common case, a million times).
        if cells
            .iter()
            .zip(self.widths.columns())
            .all(|(cell, width)| cell.width() <= width)
        {
            return self.row_with(cells, '┆');
        }
        let columns: Vec<Vec<String>> = cells
            .iter()
            .zip(self.widths.columns())
            .map(|(cell, width)| wrap(cell, width, max_lines))
            .collect();
        let height = columns.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            let line: Vec<String> = columns
                .iter()
                .map(|lines| lines.get(i).cloned().unwrap_or_default())
                .collect();
            self.row_with(&line, '┆')?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.rule('└', '─', '┴', '┘')
    }

    fn rule(&mut self, left: char, line: char, joint: char, right: char) -> Result<()> {
        let mut text = String::new();
        text.push(left);
        for (i, width) in self.widths.columns().iter().enumerate() {
            if i > 0 {
                text.push(joint);
            }
            text.extend(std::iter::repeat_n(line, width + 2));
        }
        text.push(right);
        writeln!(self.out, "{text}").map_err(write_error)
    }

    fn row_with(&mut self, cells: &[String], separator: char) -> Result<()> {
        let mut text = String::from("│");
        for (i, (cell, width)) in cells.iter().zip(self.widths.columns()).enumerate() {
            if i > 0 {
                text.push(separator);
            }
            text.push(' ');
            text.push_str(cell);
            text.extend(std::iter::repeat_n(
                ' ',
                width.saturating_sub(cell.width()) + 1,
            ));
        }
        text.push('│');
        writeln!(self.out, "{text}").map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;

    #[test]
    fn a_fitted_table_is_no_wider_than_asked_and_cuts_with_an_ellipsis() {
        let headers = strings(&["ログインID", "ワンタイムパスワード状態", "Registrable at"]);
        let row = strings(&[
            "a-very-long-login-id-of-forty-characters",
            "サービス利用中",
            "2026年11月24日 8時10分",
        ]);
        let mut widths = Widths::of_headers(&headers);
        widths.measure(&row);
        widths.fit(56);
        let mut text = Vec::new();
        let mut table = StreamTable::start(&mut text, &headers, widths).unwrap();
        table.row(&row).unwrap();
        table.finish().unwrap();
        let text = String::from_utf8(text).unwrap();
        for line in text.lines() {
            assert!(line.width() <= 56, "{line:?} is {} wide", line.width());
        }
        assert!(text.contains('…'), "{text}");
        assert!(text.contains("8時10分"), "the instant wraps whole: {text}");
    }

    #[test]
    fn wrapping_prefers_spaces_and_cuts_after_the_last_line() {
        assert_eq!(
            wrap("2026-11-24 08:10:00 JST", 12, 2),
            ["2026-11-24", "08:10:00 JST"]
        );
        assert_eq!(wrap("abcdefghij", 4, 2), ["abcd", "efg…"]);
        assert_eq!(wrap("短い", 10, 1), ["短い"]);
        assert_eq!(wrap("利用登録可能日時", 6, 9), ["利用登", "録可能", "日時"]);
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

        let mut buffered = Vec::new();
        crate::output::write_table(&Output::english(), &mut buffered, headers, rows.to_vec())
            .unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(buffered).unwrap()
        );
    }
}
