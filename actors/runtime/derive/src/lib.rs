//! `#[derive(Fields)]`: declares, next to a type, the names of the fields its tuple encoding
//! carries, so the host can label the JSON arrays it decodes (see `cloudless_runtime::abi`).
//!
//! - a struct with named fields is a tuple of its fields in order; a field whose serde
//!   representation is custom (`#[serde(with = ...)]`: amounts, hex bytes) is a leaf, except
//!   the address modules (`address`, `address::option`: an address; `address::vec`: a list);
//! - a field typed `ActorID` (also inside `Option` or `Vec`) is an actor, shown as `f0…`;
//! - a struct with one unnamed field (a transparent newtype) is its field's shape;
//! - an enum of unit variants (encoded as a number, `serde_repr`) names its values.

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
                    let shape = field_shape(&f.ty, &f.attrs);
                    quote! { (#field, #shape) }
                });
                quote! { ::cloudless_runtime::abi::Shape::Tuple(::std::vec![#(#entries),*]) }
            }
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                let f = &unnamed.unnamed[0];
                field_shape(&f.ty, &f.attrs)
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
        Data::Enum(e) if e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) => {
            let values = e.variants.iter().map(|v| {
                let ident = &v.ident;
                let text = ident.to_string();
                quote! { (#name::#ident as i64, #text) }
            });
            quote! { ::cloudless_runtime::abi::Shape::Enum(::std::vec![#(#values),*]) }
        }
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

const SHAPE: &str = "::cloudless_runtime::abi::Shape";

/// The shape of a field: from its serde module when it has one, else from its type.
fn field_shape(ty: &syn::Type, attrs: &[syn::Attribute]) -> proc_macro2::TokenStream {
    let shape: proc_macro2::TokenStream = SHAPE.parse().expect("a path");
    match serde_with(attrs) {
        None => type_shape(ty),
        Some(module) => {
            let module = module.rsplit("address").next().filter(|_| module.contains("address"));
            match module {
                Some("") | Some("::option") => quote! { #shape::Address },
                Some("::vec") => quote! { #shape::List(::std::boxed::Box::new(#shape::Address)) },
                _ => quote! { #shape::Leaf },
            }
        }
    }
}

/// `ActorID` (by name, also inside `Option` and `Vec`) is an actor; anything else asks `Fields`.
fn type_shape(ty: &syn::Type) -> proc_macro2::TokenStream {
    let shape: proc_macro2::TokenStream = SHAPE.parse().expect("a path");
    if let syn::Type::Path(p) = ty {
        if let Some(last) = p.path.segments.last() {
            let inner = match &last.arguments {
                syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                },
                _ => None,
            };
            match (last.ident.to_string().as_str(), inner) {
                ("ActorID", None) => return quote! { #shape::Actor },
                ("Option", Some(t)) => return type_shape(t),
                ("Vec", Some(t)) => {
                    let inner = type_shape(t);
                    return quote! { #shape::List(::std::boxed::Box::new(#inner)) };
                }
                _ => {}
            }
        }
    }
    quote! { <#ty as ::cloudless_runtime::abi::Fields>::shape() }
}

/// The module of `#[serde(with = "...")]` (or `serialize_with`) on a field: its JSON form is
/// custom.
fn serde_with(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|meta| {
            let is_with = meta.path.is_ident("with") || meta.path.is_ident("serialize_with");
            // Read the value of `key = "..."` entries.
            if meta.input.peek(syn::Token![=]) {
                let value: syn::Expr = meta.value()?.parse()?;
                if is_with {
                    if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = value {
                        found = Some(s.value());
                    }
                }
            }
            Ok(())
        });
    }
    found
}

/// `#[derive(Event)]` with `#[event("type", ...)]`: the event types a struct of fields stands
/// for (see `cloudless_runtime::events::Event`).
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let name = &input.ident;
    let mut types: Vec<syn::LitStr> = Vec::new();
    for a in input.attrs.iter().filter(|a| a.path().is_ident("event")) {
        let parsed = a.parse_args_with(syn::punctuated::Punctuated::<syn::LitStr, syn::Token![,]>::parse_terminated);
        match parsed {
            Ok(list) => types.extend(list),
            Err(e) => return e.to_compile_error().into(),
        }
    }
    if types.is_empty() {
        return syn::Error::new_spanned(name, "Event: name its types with #[event(\"type\", ...)]")
            .to_compile_error()
            .into();
    }
    if !matches!(&input.data, Data::Struct(s) if matches!(s.fields, Fields::Named(_))) {
        return syn::Error::new_spanned(name, "Event: an event is a struct with named fields")
            .to_compile_error()
            .into();
    }
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics ::cloudless_runtime::events::Event for #name #ty_generics #where_clause {
            const TYPES: &'static [&'static str] = &[#(#types),*];
        }
    }
    .into()
}
