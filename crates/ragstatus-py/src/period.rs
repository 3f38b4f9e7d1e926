//! `FiscalCalendar`, `Period` and `YearToDate` (SPEC §1).
//!
//! A `Period` is built from a label and a start month (`Period("Q3 2015/16")`, April by
//! default), from a calendar (`FiscalCalendar(7).quarter(2015, 1)`), or from a date
//! (`FiscalCalendar().quarter_of(date)`). It compares, hashes and sorts like the core type (by
//! calendar, then last day, shorter first), and pickles as its label and start month.

use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::PyTuple;
use ragstatus::{FiscalCalendar, Period, PeriodKind, YearToDate};

use crate::conv::describe;
use crate::errors::{IntoPyResult, invalid};

/// Reads a period kind: `"month"`, `"quarter"`, `"half"` or `"year"`.
pub fn extract_kind(kind: &str) -> PyResult<PeriodKind> {
    kind.parse::<PeriodKind>().py()
}

fn calendar_of(start_month: u32) -> PyResult<FiscalCalendar> {
    FiscalCalendar::new(start_month).py()
}

/// Reads a period: a `Period`, or a label parsed with `calendar`.
pub fn extract_period(obj: &Bound<'_, PyAny>, calendar: FiscalCalendar) -> PyResult<Period> {
    if let Ok(p) = obj.cast::<PyPeriod>() {
        return Ok(p.get().0);
    }
    if let Ok(label) = obj.extract::<String>() {
        return calendar.parse(&label).py();
    }
    Err(invalid(
        describe(obj),
        "a Period or a period label such as \"2015/16 Q3\"",
    ))
}

/// An optional fiscal calendar: a `FiscalCalendar`, or None.
pub fn opt_calendar(obj: &Bound<'_, PyAny>) -> PyResult<Option<FiscalCalendar>> {
    if obj.is_none() {
        return Ok(None);
    }
    match obj.cast::<PyFiscalCalendar>() {
        Ok(c) => Ok(Some(c.get().0)),
        Err(_) => Err(invalid(describe(obj), "a FiscalCalendar or None")),
    }
}

/// A fiscal calendar: the year starts on the 1st of `start_month` (default 4, April).
#[pyclass(name = "FiscalCalendar", module = "ragstatus", frozen, eq, hash, ord)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyFiscalCalendar(pub FiscalCalendar);

#[pymethods]
impl PyFiscalCalendar {
    #[new]
    #[pyo3(signature = (start_month = 4))]
    fn new(
        #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] start_month: u32,
    ) -> PyResult<Self> {
        Ok(PyFiscalCalendar(calendar_of(start_month)?))
    }

    /// The month (1-12) in which the fiscal year starts.
    #[getter]
    fn start_month(&self) -> u32 {
        self.0.start_month()
    }

    /// The start month's English name.
    #[getter]
    fn start_month_name(&self) -> &'static str {
        self.0.start_month_name()
    }

    /// True for a calendar year (January start).
    #[getter]
    fn is_calendar_year(&self) -> bool {
        self.0.is_calendar_year()
    }

    /// Parses a period label in any accepted form.
    fn parse(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::text)] label: String,
    ) -> PyResult<PyPeriod> {
        self.0.parse(&label).py().map(PyPeriod)
    }

    /// The period of `kind` number `index` in the fiscal year starting in `start_year`.
    fn period(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::i32_arg)] start_year: i32,
        #[pyo3(from_py_with = crate::conv::scalar::text)] kind: String,
        #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] index: u32,
    ) -> PyResult<PyPeriod> {
        self.0
            .period(start_year, extract_kind(&kind)?, index)
            .py()
            .map(PyPeriod)
    }

    /// The fiscal year that starts in `start_year`.
    fn year(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::i32_arg)] start_year: i32,
    ) -> PyResult<PyPeriod> {
        self.0.year(start_year).py().map(PyPeriod)
    }

    /// Half `half` (1-2) of the fiscal year that starts in `start_year`.
    fn half(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::i32_arg)] start_year: i32,
        #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] half: u32,
    ) -> PyResult<PyPeriod> {
        self.0.half(start_year, half).py().map(PyPeriod)
    }

    /// Quarter `quarter` (1-4) of the fiscal year that starts in `start_year`.
    fn quarter(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::i32_arg)] start_year: i32,
        #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] quarter: u32,
    ) -> PyResult<PyPeriod> {
        self.0.quarter(start_year, quarter).py().map(PyPeriod)
    }

    /// Month `month` (1-12, 1 = the start month) of the fiscal year that starts in `start_year`.
    fn month(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::i32_arg)] start_year: i32,
        #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] month: u32,
    ) -> PyResult<PyPeriod> {
        self.0.month(start_year, month).py().map(PyPeriod)
    }

    /// The period of `kind` that contains `date`.
    fn period_of(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate,
        #[pyo3(from_py_with = crate::conv::scalar::text)] kind: String,
    ) -> PyResult<PyPeriod> {
        self.0
            .period_of(date, extract_kind(&kind)?)
            .py()
            .map(PyPeriod)
    }

    /// The month that contains `date`.
    fn month_of(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate,
    ) -> PyResult<PyPeriod> {
        self.0.month_of(date).py().map(PyPeriod)
    }

    /// The quarter that contains `date`.
    fn quarter_of(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate,
    ) -> PyResult<PyPeriod> {
        self.0.quarter_of(date).py().map(PyPeriod)
    }

    /// The half year that contains `date`.
    fn half_of(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate,
    ) -> PyResult<PyPeriod> {
        self.0.half_of(date).py().map(PyPeriod)
    }

    /// The fiscal year that contains `date`.
    fn year_of(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate,
    ) -> PyResult<PyPeriod> {
        self.0.year_of(date).py().map(PyPeriod)
    }

    fn __repr__(&self) -> String {
        format!("FiscalCalendar({})", self.0.start_month())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = (slf.get().0.start_month(),);
        (py.get_type::<PyFiscalCalendar>(), args).into_pyobject(py)
    }
}

/// One month, quarter, half year or whole year of a fiscal calendar.
#[pyclass(name = "Period", module = "ragstatus", frozen)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyPeriod(pub Period);

fn periods_list(iter: impl Iterator<Item = Period>) -> Vec<PyPeriod> {
    iter.map(PyPeriod).collect()
}

#[pymethods]
impl PyPeriod {
    #[new]
    #[pyo3(signature = (label, start_month = 4))]
    fn new(
        #[pyo3(from_py_with = crate::conv::scalar::text)] label: String,
        #[pyo3(from_py_with = crate::conv::scalar::u32_arg)] start_month: u32,
    ) -> PyResult<Self> {
        calendar_of(start_month)?.parse(&label).py().map(PyPeriod)
    }

    /// Parses `label` with `calendar` (April when not given).
    #[staticmethod]
    #[pyo3(signature = (label, calendar = None))]
    fn parse(
        #[pyo3(from_py_with = crate::conv::scalar::text)] label: String,
        #[pyo3(from_py_with = crate::period::opt_calendar)] calendar: Option<FiscalCalendar>,
    ) -> PyResult<Self> {
        let calendar = calendar.unwrap_or_default();
        calendar.parse(&label).py().map(PyPeriod)
    }

    /// The canonical label, such as `2015/16 Q3`.
    #[getter]
    fn label(&self) -> String {
        self.0.label()
    }

    /// The calendar this period belongs to.
    #[getter]
    fn calendar(&self) -> PyFiscalCalendar {
        PyFiscalCalendar(self.0.calendar())
    }

    /// The start month of its calendar.
    #[getter]
    fn start_month(&self) -> u32 {
        self.0.calendar().start_month()
    }

    /// The calendar year in which its fiscal year starts.
    #[getter]
    fn start_year(&self) -> i32 {
        self.0.start_year()
    }

    /// The calendar year in which its fiscal year ends.
    #[getter]
    fn end_year(&self) -> i32 {
        self.0.end_year()
    }

    /// `"month"`, `"quarter"`, `"half"` or `"year"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind().as_str()
    }

    /// The 1-based number within the fiscal year (3 for Q3).
    #[getter]
    fn index(&self) -> u32 {
        self.0.index()
    }

    /// `(k, n)`: period k of n of its kind in the year.
    #[getter]
    fn position(&self) -> (u32, u32) {
        self.0.position()
    }

    /// Months from the start of the fiscal year to the end of this period.
    #[getter]
    fn months_to_date(&self) -> u32 {
        self.0.months_to_date()
    }

    /// True for the last period of its kind in the year.
    #[getter]
    fn is_year_end(&self) -> bool {
        self.0.is_year_end()
    }

    /// The first day.
    #[getter]
    fn first_date(&self) -> NaiveDate {
        self.0.first_date()
    }

    /// The last day.
    #[getter]
    fn last_date(&self) -> NaiveDate {
        self.0.last_date()
    }

    /// The number of days.
    #[getter]
    fn days(&self) -> u32 {
        self.0.days()
    }

    /// The whole fiscal year this period sits in.
    #[getter]
    fn fiscal_year(&self) -> PyPeriod {
        PyPeriod(self.0.fiscal_year())
    }

    /// True when `date` lies within the period.
    fn contains(&self, #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate) -> bool {
        self.0.contains(date)
    }

    /// True when `other` lies wholly within this period (same calendar).
    fn contains_period(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self
            .0
            .contains_period(extract_period(other, self.0.calendar())?))
    }

    /// The period of `kind` that contains this one, or None when `kind` is shorter.
    fn enclosing(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::text)] kind: String,
    ) -> PyResult<Option<PyPeriod>> {
        Ok(self.0.enclosing(extract_kind(&kind)?).map(PyPeriod))
    }

    /// The period `steps` periods of the same kind later (earlier when negative).
    fn offset(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::i64_arg)] steps: i64,
    ) -> PyResult<PyPeriod> {
        self.0.offset(steps).py().map(PyPeriod)
    }

    /// The period just before this one.
    fn previous(&self) -> PyResult<PyPeriod> {
        self.0.previous().py().map(PyPeriod)
    }

    /// The period just after this one.
    fn next(&self) -> PyResult<PyPeriod> {
        self.0.next().py().map(PyPeriod)
    }

    /// The same period a year before.
    fn year_ago(&self) -> PyResult<PyPeriod> {
        self.0.year_ago().py().map(PyPeriod)
    }

    /// How many periods `later` is after this one, or None across calendars or kinds.
    fn steps_to(&self, later: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
        Ok(self.0.steps_to(extract_period(later, self.0.calendar())?))
    }

    /// The span from the start of the fiscal year to the end of this period.
    fn year_to_date(&self) -> PyYearToDate {
        PyYearToDate(self.0.year_to_date())
    }

    /// The periods of `kind` within this one, in order.
    fn periods(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::text)] kind: String,
    ) -> PyResult<Vec<PyPeriod>> {
        Ok(periods_list(self.0.periods(extract_kind(&kind)?)))
    }

    /// The months within this period, in order.
    fn months(&self) -> Vec<PyPeriod> {
        periods_list(self.0.months())
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let Ok(other) = other.cast::<PyPeriod>() else {
            return Ok(py.NotImplemented());
        };
        let ordering = self.0.cmp(&other.get().0);
        Ok(op
            .matches(ordering)
            .into_pyobject(py)?
            .to_owned()
            .into_any()
            .unbind())
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut hasher);
        hasher.finish()
    }

    fn __str__(&self) -> String {
        self.0.label()
    }

    fn __repr__(&self) -> String {
        let start = self.0.calendar().start_month();
        if start == 4 {
            format!("Period('{}')", self.0.label())
        } else {
            format!("Period('{}', start_month={start})", self.0.label())
        }
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let p = slf.get().0;
        let args = (p.label(), p.calendar().start_month());
        (py.get_type::<PyPeriod>(), args).into_pyobject(py)
    }
}

/// The span from the start of a fiscal year to the end of a period in it.
#[pyclass(name = "YearToDate", module = "ragstatus", frozen, eq, hash)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PyYearToDate(pub YearToDate);

#[pymethods]
impl PyYearToDate {
    #[new]
    fn new(end: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyYearToDate(
            extract_period(end, FiscalCalendar::default())?.year_to_date(),
        ))
    }

    /// The period the span ends with.
    #[getter]
    fn end(&self) -> PyPeriod {
        PyPeriod(self.0.end())
    }

    /// The fiscal year.
    #[getter]
    fn fiscal_year(&self) -> PyPeriod {
        PyPeriod(self.0.fiscal_year())
    }

    /// The first day (the start of the fiscal year).
    #[getter]
    fn first_date(&self) -> NaiveDate {
        self.0.first_date()
    }

    /// The last day.
    #[getter]
    fn last_date(&self) -> NaiveDate {
        self.0.last_date()
    }

    /// The number of months covered.
    #[getter]
    fn month_count(&self) -> u32 {
        self.0.month_count()
    }

    /// True when the span is the whole year.
    #[getter]
    fn is_whole_year(&self) -> bool {
        self.0.is_whole_year()
    }

    /// True when `date` lies within the span.
    fn contains(&self, #[pyo3(from_py_with = crate::conv::scalar::date)] date: NaiveDate) -> bool {
        self.0.contains(date)
    }

    /// True when `period` lies wholly within the span.
    fn contains_period(&self, period: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self
            .0
            .contains_period(extract_period(period, self.0.end().calendar())?))
    }

    /// The whole periods of `kind` within the span, in order.
    fn periods(
        &self,
        #[pyo3(from_py_with = crate::conv::scalar::text)] kind: String,
    ) -> PyResult<Vec<PyPeriod>> {
        Ok(periods_list(self.0.periods(extract_kind(&kind)?)))
    }

    /// The months within the span.
    fn months(&self) -> Vec<PyPeriod> {
        periods_list(self.0.months())
    }

    /// The whole quarters within the span.
    fn quarters(&self) -> Vec<PyPeriod> {
        periods_list(self.0.quarters())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("YearToDate({})", PyPeriod(self.0.end()).__repr__())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let end = Bound::new(py, PyPeriod(slf.get().0.end()))?;
        (py.get_type::<PyYearToDate>(), (end,)).into_pyobject(py)
    }
}

/// Adds the classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFiscalCalendar>()?;
    m.add_class::<PyPeriod>()?;
    m.add_class::<PyYearToDate>()?;
    Ok(())
}
