//! The methods every class wrapping a core value shares, written once.
//!
//! A class of the bindings is a newtype over a core value (`struct PyBudgetLine(pub
//! BudgetLine)`). Most of its Python surface follows from the core type: a getter per field, the
//! JSON form (`to_dict`, `to_json`, `from_json`), a hash consistent with equality, pickling. The
//! `pyclass_methods!` macro generates these, so that a class module writes out only what is
//! particular to its class (constructors, computed getters, `__repr__`).
//!
//! Equality is pyo3's `eq` option on the class (the core type's `PartialEq`); a class whose
//! core type is `Hash` takes pyo3's `hash` option instead of the `hash` protocol method here.

/// Generates the one `#[pymethods]` block of a newtype class `$ty` over a core value.
///
/// ```text
/// pyclass_methods! {
///     PyMilestone(Milestone);
///     protocol [to_dict, to_json, from_json, hash, reduce];
///     fields {
///         /// Unique id.
///         id: String,
///     }
///     methods {
///         fn __repr__(&self) -> String { ... }
///     }
/// }
/// ```
///
/// `fields` are getters of the core field of the same name: `name: Type` returns it cloned,
/// `name as str` its `as_str()` name, `name as data` its JSON form as plain Python data.
/// `protocol` picks from:
///
/// | name | generates |
/// | --- | --- |
/// | `to_dict` | the JSON form as plain Python data (decimals as text) |
/// | `to_json` | the JSON text |
/// | `from_json` | reads the JSON text written by `to_json` |
/// | `from_json_validated` | `from_json`, then the core type's own `validate()` |
/// | `status` | the `status` name and its `code` |
/// | `hash` | `__hash__` of the JSON form, equal for equal values ([`json_hash`]) |
/// | `reduce` | pickles as `from_json(to_json())` |
/// | `reduce_data` | pickles as the constructor applied to `to_dict()` |
/// | `repr_json` | `__repr__` as the class name around the JSON text |
///
/// [`json_hash`]: crate::conv::json::json_hash
macro_rules! pyclass_methods {
    (
        $ty:ident($inner:ty);
        protocol [$($proto:tt)*];
        $(fields { $($fields:tt)* })?
        methods { $($body:tt)* }
    ) => {
        $crate::protocol::pyclass_methods!(
            @protocol $ty, $inner; [$($proto)*]; [$($($fields)*)?]; { $($body)* }
        );
    };

    // --- protocol methods, one at a time ---------------------------------------------------
    (@protocol $ty:ident, $inner:ty; []; [$($fields:tt)*]; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@fields $ty; [$($fields)*]; { $($acc)* });
    };
    (@protocol $ty:ident, $inner:ty; [to_dict $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            /// The JSON form as plain Python data (decimals as text).
            fn to_dict<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::PyAny>> {
                $crate::conv::json::to_py(py, &self.0)
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [to_json $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            /// The JSON text.
            // pyo3 methods take `&self`, even on a `Copy` class.
            #[allow(clippy::wrong_self_convention)]
            fn to_json(&self) -> ::pyo3::PyResult<String> {
                $crate::conv::json::to_json_text(&self.0)
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [from_json $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            /// Reads the JSON text written by `to_json`.
            #[staticmethod]
            fn from_json(
                #[pyo3(from_py_with = $crate::conv::scalar::text)] text: String,
            ) -> ::pyo3::PyResult<Self> {
                $crate::conv::json::from_json_text::<$inner>(&text).map($ty)
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [from_json_validated $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            /// Reads the JSON text written by `to_json`.
            #[staticmethod]
            fn from_json(
                #[pyo3(from_py_with = $crate::conv::scalar::text)] text: String,
            ) -> ::pyo3::PyResult<Self> {
                let value = $crate::conv::json::from_json_text::<$inner>(&text)?;
                $crate::errors::IntoPyResult::py(value.validate())?;
                Ok($ty(value))
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [status $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            /// The status name (`"Red"`, `"Amber"`, `"Green"`, ...).
            #[getter]
            fn status(&self) -> &'static str {
                self.0.status.as_str()
            }
            /// The status code (0 Red, 1 Amber, 2 Green, 3 Blue, 4 NoData, 5 NoTarget, 6 NotDue).
            #[getter]
            fn code(&self) -> u8 {
                self.0.status.code()
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [hash $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            fn __hash__(&self) -> u64 {
                $crate::conv::json::json_hash(&self.0)
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [reduce $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            fn __reduce__<'py>(
                slf: &::pyo3::Bound<'py, Self>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::types::PyTuple>> {
                let py = slf.py();
                let from_json = py.get_type::<$ty>().getattr("from_json")?;
                let text = $crate::conv::json::to_json_text(&slf.get().0)?;
                ::pyo3::IntoPyObject::into_pyobject((from_json, (text,)), py)
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [reduce_data $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            fn __reduce__<'py>(
                slf: &::pyo3::Bound<'py, Self>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::types::PyTuple>> {
                let py = slf.py();
                let data = $crate::conv::json::to_py(py, &slf.get().0)?;
                ::pyo3::IntoPyObject::into_pyobject((py.get_type::<$ty>(), (data,)), py)
            }
        });
    };
    (@protocol $ty:ident, $inner:ty; [repr_json $(, $($rest:tt)*)?]; $fields:tt; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@protocol $ty, $inner; [$($($rest)*)?]; $fields; {
            $($acc)*
            fn __repr__(slf: &::pyo3::Bound<'_, Self>) -> ::pyo3::PyResult<String> {
                let name = ::pyo3::types::PyTypeMethods::name(&slf.get_type())?;
                let text = $crate::conv::json::to_json_text(&slf.get().0)?;
                Ok(format!("{name}({text})"))
            }
        });
    };

    // --- field getters, one at a time -------------------------------------------------------
    (@fields $ty:ident; []; { $($acc:tt)* }) => {
        #[::pyo3::pymethods]
        impl $ty {
            $($acc)*
        }
    };
    (@fields $ty:ident; [$(#[$meta:meta])* $name:ident as str $(, $($rest:tt)*)?]; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@fields $ty; [$($($rest)*)?]; {
            $($acc)*
            $(#[$meta])*
            #[getter]
            fn $name(&self) -> &'static str {
                self.0.$name.as_str()
            }
        });
    };
    (@fields $ty:ident; [$(#[$meta:meta])* $name:ident as data $(, $($rest:tt)*)?]; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@fields $ty; [$($($rest)*)?]; {
            $($acc)*
            $(#[$meta])*
            #[getter]
            fn $name<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::PyAny>> {
                $crate::conv::json::to_py(py, &self.0.$name)
            }
        });
    };
    (@fields $ty:ident; [$(#[$meta:meta])* $name:ident: $t:ty $(, $($rest:tt)*)?]; { $($acc:tt)* }) => {
        $crate::protocol::pyclass_methods!(@fields $ty; [$($($rest)*)?]; {
            $($acc)*
            $(#[$meta])*
            #[getter]
            // One expansion for every field type: a clone is a copy for the `Copy` ones.
            #[allow(clippy::clone_on_copy)]
            fn $name(&self) -> $t {
                self.0.$name.clone()
            }
        });
    };
}

pub(crate) use pyclass_methods;
