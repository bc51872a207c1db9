//! Closed sets of tokens.

/// A closed set of tokens, stored and sent as text.
pub trait Token: Copy + Sized + 'static {
    /// The type's name for error messages, e.g. `Action`.
    const NAME: &'static str;
    /// Every token, in declaration order.
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    /// The token `s` names, or an error that says which tokens there are.
    fn read(s: &str) -> Result<Self, UnknownToken> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownToken {
                what: Self::NAME,
                value: s.to_string(),
                choices: Self::ALL.iter().map(|v| v.as_str()).collect(),
            })
    }
}

/// A text that is none of a type's tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownToken {
    pub what: &'static str,
    pub value: String,
    pub choices: Vec<&'static str>,
}

impl std::fmt::Display for UnknownToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}: expected one of {}",
            self.value,
            self.what,
            self.choices.join(", ")
        )
    }
}

impl std::error::Error for UnknownToken {}

/// Generates a closed set of snake_case tokens: the enum (ordered by declaration), `ALL`, `as_str`, `parse`,
/// `choices`, [`Token`], `Display`, `FromStr`, `AsRef<str>`, comparison with `&str`, and serde as the token text.
#[macro_export]
macro_rules! tokens {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// The tokens, comma-separated (`a, b, c`).
            pub fn names() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }

            /// The accepted tokens, for error messages.
            pub fn choices() -> String {
                $name::ALL.iter().map(|v| format!("`{}`", v.as_str())).collect::<Vec<_>>().join(", ")
            }
        }

        impl $crate::Token for $name {
            const NAME: &'static str = stringify!($name);
            const ALL: &'static [$name] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownToken;
            fn from_str(s: &str) -> Result<$name, $crate::UnknownToken> {
                <$name as $crate::Token>::read(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as $crate::__serde::Deserialize>::deserialize(d)?;
                <$name as $crate::Token>::read(&s).map_err(<D::Error as $crate::__serde::de::Error>::custom)
            }
        }
    };
}
