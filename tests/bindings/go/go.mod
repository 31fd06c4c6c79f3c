module advdb.test/bindings

go 1.19
