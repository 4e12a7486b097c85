//! `#[derive(Fields)]`: declares, next to a type, the names of the fields its tuple encoding
//! carries, so the host can label the JSON arrays it decodes (see `cloudless_runtime::abi`).
//!
//! - a struct with named fields is a tuple of its fields in order; a field whose serde
//!   representation is custom (`#[serde(with = ...)]`: amounts, addresses, hex bytes) is a leaf;
//! - a struct with one unnamed field (a transparent newtype) is its field's shape;
//! - an enum (encoded as a number, `serde_repr`) is a leaf.

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields};

#[proc_macro_derive(Fields)]
pub fn derive_fields(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let body = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => {
                let entries = named.named.iter().map(|f| {
                    let field = f.ident.as_ref().expect("named field").to_string();
                    let ty = &f.ty;
                    if has_serde_with(&f.attrs) {
                        quote! { (#field, ::cloudless_runtime::abi::Shape::Leaf) }
                    } else {
                        quote! { (#field, <#ty as ::cloudless_runtime::abi::Fields>::shape()) }
                    }
                });
                quote! { ::cloudless_runtime::abi::Shape::Tuple(::std::vec![#(#entries),*]) }
            }
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                let f = &unnamed.unnamed[0];
                let ty = &f.ty;
                if has_serde_with(&f.attrs) {
                    quote! { ::cloudless_runtime::abi::Shape::Leaf }
                } else {
                    quote! { <#ty as ::cloudless_runtime::abi::Fields>::shape() }
                }
            }
            _ => {
                return syn::Error::new_spanned(
                    name,
                    "Fields: a struct needs named fields or exactly one unnamed field",
                )
                .to_compile_error()
                .into()
            }
        },
        Data::Enum(_) => quote! { ::cloudless_runtime::abi::Shape::Leaf },
        Data::Union(_) => {
            return syn::Error::new_spanned(name, "Fields: unions are not supported").to_compile_error().into()
        }
    };
    quote! {
        impl #impl_generics ::cloudless_runtime::abi::Fields for #name #ty_generics #where_clause {
            fn shape() -> ::cloudless_runtime::abi::Shape {
                #body
            }
        }
    }
    .into()
}

/// `#[serde(with = "...")]` (or `serialize_with`) on a field: its JSON form is custom text.
fn has_serde_with(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("serde")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("with") || meta.path.is_ident("serialize_with") {
                found = true;
            }
            // Skip the value of `key = "..."` entries.
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        found
    })
}
