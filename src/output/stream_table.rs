//! A table printed row by row, for `list` on a million users: a first pass
//! measures the columns, a second prints. It draws exactly what comfy-table
//! draws with the UTF8_FULL_CONDENSED preset (a test holds them together),
//! so big and small tables look the same.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

use crate::error::Result;
use crate::output::write_error;

/// Column widths in terminal cells, grown row by row in the first pass.
#[derive(Debug, Clone)]
pub struct Widths(Vec<usize>);

impl Widths {
    pub fn of_headers(headers: &[String]) -> Widths {
        Widths(headers.iter().map(|h| h.width()).collect())
    }

    pub fn measure(&mut self, cells: &[String]) {
        for (width, cell) in self.0.iter_mut().zip(cells) {
            *width = (*width).max(cell.width());
        }
    }
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
        table.row_with(headers, '┆')?;
        table.rule('╞', '═', '╪', '╡')?;
        Ok(table)
    }

    pub fn row(&mut self, cells: &[String]) -> Result<()> {
        self.row_with(cells, '┆')
    }

    pub fn finish(mut self) -> Result<()> {
        self.rule('└', '─', '┴', '┘')
    }

    fn rule(&mut self, left: char, line: char, joint: char, right: char) -> Result<()> {
        let mut text = String::new();
        text.push(left);
        for (i, width) in self.widths.0.iter().enumerate() {
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
        for (i, (cell, width)) in cells.iter().zip(&self.widths.0).enumerate() {
            if i > 0 {
                text.push(separator);
            }
            text.push(' ');
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', width - cell.width() + 1));
        }
        text.push('│');
        writeln!(self.out, "{text}").map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        crate::output::write_table(&mut buffered, headers, rows.to_vec()).unwrap();
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            String::from_utf8(buffered).unwrap()
        );
    }
}
