//! Records straight into Python objects: a serde `Serializer` whose output
//! is dicts, lists, str, int, float, bool and None. A record's dict has
//! its fields in the order the CLI writes them (JSON, CSV), with no JSON
//! text in between.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde::ser::{self, Impossible};

/// `value` as a Python object.
pub fn to_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    value.serialize(ToPy { py }).map_err(|e| e.0)
}

/// A serialisation error: a Python error, or serde's message as one.
pub struct Error(PyErr);

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Error {
        Error(e)
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Error {
        Error(PyValueError::new_err(msg.to_string()))
    }
}

type Out = Result<Py<PyAny>, Error>;

#[derive(Clone, Copy)]
struct ToPy<'py> {
    py: Python<'py>,
}

impl<'py> ToPy<'py> {
    fn obj<T: IntoPyObject<'py>>(self, v: T) -> Out {
        Ok(v.into_py_any(self.py)?)
    }
}

/// A list being filled (sequences, tuples).
struct Seq<'py> {
    py: Python<'py>,
    items: Vec<Py<PyAny>>,
}

/// A dict being filled (structs, maps), keys in the order given.
struct Dict<'py> {
    to: ToPy<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Py<PyAny>>,
}

impl<'py> ser::Serializer for ToPy<'py> {
    type Ok = Py<PyAny>;
    type Error = Error;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Impossible<Py<PyAny>, Error>;
    type SerializeMap = Dict<'py>;
    type SerializeStruct = Dict<'py>;
    type SerializeStructVariant = Impossible<Py<PyAny>, Error>;

    fn serialize_bool(self, v: bool) -> Out {
        self.obj(v)
    }
    fn serialize_i8(self, v: i8) -> Out {
        self.obj(v)
    }
    fn serialize_i16(self, v: i16) -> Out {
        self.obj(v)
    }
    fn serialize_i32(self, v: i32) -> Out {
        self.obj(v)
    }
    fn serialize_i64(self, v: i64) -> Out {
        self.obj(v)
    }
    fn serialize_u8(self, v: u8) -> Out {
        self.obj(v)
    }
    fn serialize_u16(self, v: u16) -> Out {
        self.obj(v)
    }
    fn serialize_u32(self, v: u32) -> Out {
        self.obj(v)
    }
    fn serialize_u64(self, v: u64) -> Out {
        self.obj(v)
    }
    fn serialize_f32(self, v: f32) -> Out {
        self.serialize_f64(f64::from(v))
    }
    /// As JSON has it: a float that is not finite is None.
    fn serialize_f64(self, v: f64) -> Out {
        if v.is_finite() {
            self.obj(v)
        } else {
            self.serialize_none()
        }
    }
    fn serialize_char(self, v: char) -> Out {
        self.obj(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Out {
        self.obj(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out {
        self.obj(v)
    }
    fn serialize_none(self) -> Out {
        Ok(self.py.None())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Out {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Out {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Out {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Out {
        let dict = PyDict::new(self.py);
        dict.set_item(variant, v.serialize(self)?)?;
        Ok(dict.into_any().unbind())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py>, Error> {
        Ok(Seq {
            py: self.py,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(format!(
            "{name}: tuple variants do not cross"
        )))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Dict<'py>, Error> {
        Ok(Dict {
            to: self,
            dict: PyDict::new(self.py),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Dict<'py>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(format!(
            "{name}: struct variants do not cross"
        )))
    }
}

impl Seq<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.items.push(v.serialize(ToPy { py: self.py })?);
        Ok(())
    }
    fn list(self) -> Out {
        Ok(PyList::new(self.py, self.items)?.into_any().unbind())
    }
}

/// Sequences, tuples and tuple structs all become lists.
macro_rules! list_of {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq<'_> {
            type Ok = Py<PyAny>;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                self.push(v)
            }
            fn end(self) -> Out {
                self.list()
            }
        }
    )*};
}

list_of!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeMap for Dict<'_> {
    type Ok = Py<PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Error> {
        self.key = Some(k.serialize(self.to)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value before its key"))?;
        self.dict.set_item(key, v.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Out {
        Ok(self.dict.into_any().unbind())
    }
}

impl ser::SerializeStruct for Dict<'_> {
    type Ok = Py<PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.dict.set_item(key, v.serialize(self.to)?)?;
        Ok(())
    }
    fn end(self) -> Out {
        Ok(self.dict.into_any().unbind())
    }
}
