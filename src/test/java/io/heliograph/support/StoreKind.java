package io.heliograph.support;

/** The two stores every store-touching test runs against. */
public enum StoreKind {
    SQLITE,
    POSTGRES
}
