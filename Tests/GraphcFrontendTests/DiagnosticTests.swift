import GraphcDiagnostics
import Testing

/// Every kind of mistake in a graph file is an error at its place: `file:line:col: error:`,
/// the source line, a caret, and notes where they help. Text and location are pinned.
@Suite struct DiagnosticTests {
    @Test func syntaxErrorPointsAtTheToken() {
        #expect(errorText("x = 1 +\ny = 2\n") == """
        test.graph:1:8: error: expected an expression, found end of line
        x = 1 +
               ^

        """)
        #expect(errorText("x = (1 +\ny = 2\n")?.hasPrefix("test.graph:1:5: error: '(' was never closed") == true)
        #expect(errorText("def f(x)\n    return x\n")?.hasPrefix("test.graph:1:9: error: expected ':' to start the body of 'f', found end of line") == true)
        #expect(errorText("print 'hello'\n")?.hasPrefix("test.graph:1:1: error: print is a function in graph files: write print(...)") == true)
        #expect(errorText("class A:\n    pass\n")?.hasPrefix("test.graph:1:1: error: 'class' is not supported in graph files") == true)
    }

    @Test func indentationErrors() {
        #expect(errorText("def f(x):\n  y = 1\n    z = 2\n") == """
        test.graph:3:1: error: unexpected indent
            z = 2
        ^~~~

        """)
        #expect(errorText("if True:\n    x = 1\n  y = 2\n")?.hasPrefix("test.graph:3:3: error: unindent does not match any outer indentation level") == true)
        #expect(errorText("def f(x):\nreturn x\n")?.hasPrefix("test.graph:2:1: error: expected an indented block for the body of 'f'") == true)
    }

    @Test func unknownNameSuggestsTheClosestOne() {
        #expect(errorText("x = placeholder(float32, [1, 8, 8, 3])\ny = conv2D(x, 8, 3)\n") == """
        test.graph:2:5: error: unknown name 'conv2D'; did you mean 'conv2d'?
        y = conv2D(x, 8, 3)
            ^~~~~~

        """)
        #expect(errorText("x = placeholder(float32, [1, 8, 8, 3])\ny = slim.conv2dd(x, 8, 3)\n")?
            .hasPrefix("test.graph:2:5: error: module 'slim' has no attribute 'conv2dd'; did you mean 'conv2d'?") == true)
    }

    @Test func wrongArgumentsNameTheParameterAndTheCallChain() {
        #expect(errorText("def f(x):\n    return conv2d(x, 8, 3, paddin='SAME')\nx = placeholder(float32, [1, 8, 8, 3])\nf(x)\n") == """
        test.graph:2:28: error: conv2d has no parameter 'paddin'; did you mean 'padding'?
            return conv2d(x, 8, 3, paddin='SAME')
                                   ^~~~~~~~~~~~~
        test.graph:4:1: note: in call to 'f' from here
        f(x)
        ^~~~

        """)
        #expect(firstError("x = placeholder(float32, [1, 8, 8, 3])\ny = conv2d(x, 8)\n")?.message == "conv2d is missing its argument 'kernel_size'")
        #expect(firstError("x = placeholder(float32, [1, 8, 8, 3])\ny = conv2d(x, 8, 3, stride='2')\n")?.message
            == "'stride' of conv2d must be a list of ints, got str")
        #expect(firstError("x = placeholder(float32, [1, 8, 8, 3])\ny = conv2d(x, 8, 3, padding='FULL')\n")?.message
            == "padding must be 'SAME', 'VALID' or explicit pads, got 'FULL'")
        #expect(firstError("def f(a, b):\n    return a\nf(1, c=2)\n")?.message == "f() got an unexpected keyword argument 'c'")
        #expect(firstError("def f(a, b):\n    return a\nf(1)\n")?.message == "f() is missing its argument 'b'")
        #expect(firstError("x = placeholder(float32, [1, 8, 8, 3])\ny = conv2d(x, 0, 3)\n")?.message == "num_outputs must be positive, got 0")
    }

    @Test func argScopeOnAnOpThatDoesNotTakeTheArgument() {
        #expect(errorText("with arg_scope([fully_connected], padding='SAME'):\n    pass\n") == """
        test.graph:1:35: error: arg_scope gives 'padding' to 'fully_connected', which does not take it
        with arg_scope([fully_connected], padding='SAME'):
                                          ^~~~~~~~~~~~~~

        """)
        #expect(firstError("with arg_scope([relu], name='r'):\n    pass\n")?.message
            == "arg_scope cannot give defaults to 'relu': only slim layers and @add_arg_scope functions take them")
    }

    @Test func aBadValueFromAnArgScopeNotesTheScope() {
        #expect(errorText("x = placeholder(float32, [1, 8, 8, 3])\nwith arg_scope([conv2d], stride='two'):\n    y = conv2d(x, 8, 3)\n") == """
        test.graph:3:9: error: 'stride' of conv2d must be a list of ints, got str
            y = conv2d(x, 8, 3)
                ^~~~~~~~~~~~~~~
        test.graph:2:26: note: 'stride' was set by this arg_scope
        with arg_scope([conv2d], stride='two'):
                                 ^~~~~~~~~~~~

        """)
    }

    @Test func shapeMismatchOnAdd() {
        #expect(errorText("x = placeholder(float32, [4, 23, 23, 64])\ny = placeholder(float32, [4, 12, 12, 128])\nz = y + x\n") == """
        test.graph:3:5: error: shape mismatch: cannot add (4, 12, 12, 128) and (4, 23, 23, 64)
        z = y + x
            ^~~~~

        """)
    }

    @Test func channelMismatch() {
        #expect(firstError("x = placeholder(float32, [4, 12, 12, 64])\ny = placeholder(float32, [4, 12, 12, 128])\nz = add(y, x)\n")?.message
            == "channel mismatch: cannot add (4, 12, 12, 128) and (4, 12, 12, 64): 128 channels against 64")
        let d = firstError("""
        x = placeholder(float32, [1, 4, 4, 3])
        w = placeholder(float32, [3, 3, 8, 16])
        y = bias_add(x, placeholder(float32, [8]))
        """)
        #expect(d?.message == "channel mismatch: the input (1, 4, 4, 3) has 3 channels but the bias has 8")
        #expect(d?.location?.line == 3)
    }

    @Test func windowLargerThanItsPaddedInput() {
        #expect(errorText("x = placeholder(float32, [1, 2, 2, 3])\ny = max_pool2d(x, 3)\n") == """
        test.graph:2:5: error: pooling window of height 3 is larger than its input height 2
        y = max_pool2d(x, 3)
            ^~~~~~~~~~~~~~~~

        """)
        #expect(firstError("x = placeholder(float32, [1, 3, 9, 3])\ny = conv2d(x, 4, 7, padding=1)\n")?.message
            == "convolution kernel of height 7 is larger than its padded input height 5")
    }

    @Test func recursionTooDeepShowsTheCallChainOnce() {
        #expect(errorText("def f(n):\n    return f(n + 1)\nf(0)\n") == """
        test.graph:2:12: error: recursion too deep: more than 200 nested calls (in 'f')
            return f(n + 1)
                   ^~~~~~~~
        test.graph:2:12: note: in call to 'f' from here (199 times)
            return f(n + 1)
                   ^~~~~~~~
        test.graph:3:1: note: in call to 'f' from here
        f(0)
        ^~~~

        """)
    }

    @Test func runawayLoops() {
        #expect(firstError("while True:\n    pass\n")?.message == "loop ran more than 1,000,000 iterations; a graph file must finish building its graph")
        #expect(firstError("for i in range(10 ** 12):\n    pass\n")?.location?.line == 1)
        #expect(firstError("x = [0] * (10 ** 9)\n")?.message == "list of 1,000,000,000 elements is too long (the limit is 10,000,000)")
    }

    @Test func arithmeticErrorsAreDiagnosticsNotTraps() {
        #expect(firstError("x = 9223372036854775807 + 1\n")?.message == "integer overflow")
        #expect(firstError("x = 1 // 0\n")?.message == "division by zero")
        #expect(firstError("x = [1, 2][5]\n")?.message == "index 5 is out of range for a list of length 2")
        #expect(firstError("x = 99999999999999999999\n")?.message == "integer literal '99999999999999999999' is too large")
        #expect(firstError("x = placeholder(float32, [1, 2, 2, 3])\nif x:\n    pass\n")?.message
            == "a tensor has no truth value while the graph is built (its value exists only at run time)")
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        #expect(firstError("x = \(deep)\n")?.message == "expression nests too deeply (more than 100 levels)")
    }

    @Test func variablesCannotBeMadeTwice() {
        #expect(firstError("x = placeholder(float32, [1, 4, 4, 3])\na = conv2d(x, 4, 1, scope='c')\nb = conv2d(x, 4, 1, scope='c')\n")?.message
            == "variable 'c/weights' already exists; each layer needs its own scope")
    }

    @Test func commandLineMistakes() {
        #expect(errorText("depth = flag('depth', 50)\n", definitions: [("depht", "101")]) == """
        graphc: error: -D depht is not used by test.graph; its flags are: depth; did you mean 'depth'?

        """)
        #expect(firstError("depth = flag('depth', 50)\n", definitions: [("depth", "deep")])?.message
            == "-D depth=deep: flag 'depth' takes a int (its default is 50), got str")
        #expect(errorText("x = placeholder(float32, [None, 4, 4, 3], name='input')\n", inputs: [("images", [1, 4, 4, 3])])
            == "graphc: error: --input images: the graph has no placeholder named 'images'; placeholders: input\n")
    }

    @Test func importErrorsNoteTheImport() {
        #expect(firstError("import no_such_module\n")?.message.hasPrefix("no module named 'no_such_module'") == true)
    }
}
