# (reference, answer, expected, category)
P = []
def add(cat, rows):
    # A row is (reference, answer, expected) or (reference, answer, expected, {"symmetric": expected
    # under the symmetric policy}).
    for r in rows:
        P.append((r[0], r[1], r[2], cat))
        if len(r) > 3 and "symmetric" in r[3]:
            P.append((r[0], r[1], r[3]["symmetric"], cat + ":symmetric"))

add("numbers", [
 ("42", "42", True), ("42", "42.0", True), ("42", "41", False), ("42", "-42", False),
 ("0.5", "\\frac{1}{2}", True), ("\\frac{1}{2}", "0.5", True), ("\\frac12", "1/2", True), ("\\frac{1}{2}", "2/4", True),
 ("\\frac{1}{3}", "0.333333", True), ("\\frac{1}{3}", "0.33", False), ("\\frac{1}{3}", "0.3", False), ("\\frac{2}{3}", "0.666667", True),
 ("1000", "1,000", True), ("1,000", "1000", True), ("1000000", "1,000,000", True), ("1234567", "1{,}234{,}567", True), ("1000", "100", False),
 ("1.5\\times 10^{3}", "1500", True), ("1.5e3", "1500", True), ("2.5\\times10^{-3}", "0.0025", True), ("3\\times 10^8", "300000000", True), ("3\\times10^8", "3\\times10^9", False),
 ("-3", "-3", True), ("-3", "3", False), ("-\\frac{3}{4}", "\\frac{-3}{4}", True), ("-\\frac34", "-0.75", True), ("\\frac{3}{4}", "-0.75", False),
 ("\\dfrac{7}{2}", "3.5", True), ("\\tfrac{7}{2}", "\\frac72", True), ("3\\frac{1}{2}", "3.5", True),
 ("50\\%", "50", True), ("50\\%", "0.5", True), ("50", "50\\%", True), ("25\\%", "30\\%", False), ("12.5\\%", "12.5", True),
 ("0", "0", True), ("0", "0.0", True), ("0", "-0", True), ("0", "1", False),
 ("10^{100}", "10^{100}", True), ("10^{100}+1", "10^{100}", False), ("2^{64}", "18446744073709551616", True), ("2^{64}", "18446744073709551615", False),
 ("100!", "100!", True), ("5!", "120", True), ("6!", "720", True), ("6!", "120", False),
 ("\\binom{5}{2}", "10", True), ("\\binom{10}{3}", "120", True), ("\\binom{10}{3}", "720", False), 
 ("3.14", "3.14", True), ("3.14", "3.15", False), ("\\pi", "3.14", False), ("\\pi", "3.14159265358979", True),
 ("1.414", "\\sqrt{2}", False), ("\\sqrt{2}", "1.41421356237", True),
 ("\\$18", "18", True), ("18", "\\$18.00", True), ("18", "19", False),
 ("0.0001", "10^{-4}", True), ("0.0001", "10^{-3}", False), (".5", "0.5", True),
])
add("radicals_powers", [
 ("2\\sqrt{2}", "\\sqrt{8}", True), ("2\\sqrt{2}", "\\sqrt{2}", False), ("\\sqrt{2}/2", "\\frac{1}{\\sqrt{2}}", True), ("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt3}", True),
 ("\\sqrt[3]{8}", "2", True), ("\\sqrt[3]{-27}", "-3", True), ("\\sqrt[4]{16}", "2", True), ("\\sqrt[3]{2}", "2^{1/3}", True), ("\\sqrt[3]{2}", "\\sqrt{2}", False),
 ("3\\sqrt{5}", "\\sqrt{45}", True), ("3\\sqrt{5}", "5\\sqrt{3}", False), ("\\sqrt{12}", "2\\sqrt3", True), ("4\\sqrt{3}", "\\sqrt{48}", True), ("\\sqrt2+\\sqrt3", "\\sqrt5", False),
 ("2^{10}", "1024", True), ("2^{10}", "2^{11}", False), ("8^{2/3}", "4", True), ("27^{-1/3}", "\\frac{1}{3}", True), ("(-8)^{1/3}", "-2", True),
 ("\\sqrt{x^2}", "|x|", True), ("\\sqrt{x^2}", "x", False), ("x^{1/2}", "\\sqrt{x}", True), ("\\sqrt\\frac{1}{4}", "\\frac12", True), ("\\sqrt2", "\\sqrt{2}", True),
 ("\\frac{1+\\sqrt5}{2}", "\\frac{1}{2}+\\frac{\\sqrt{5}}{2}", True), ("\\frac{1+\\sqrt5}{2}", "\\frac{1-\\sqrt5}{2}", False), ("\\frac{\\sqrt{6}-\\sqrt{2}}{4}", "\\sin 15^\\circ", True),
 ("5\\sqrt{2}", "5 \\sqrt 2", True), ("\\sqrt{50}", "5\\sqrt2", True), ("\\sqrt{50}", "25\\sqrt2", False),
])
add("constants_functions", [
 ("1-\\frac{1}{e}", "1+\\frac{1}{e}", False), ("1-\\frac{1}{e}", "\\frac{e-1}{e}", True), ("1-1/e", "1 - e^{-1}", True), ("e^2", "e^{2}", True), ("e^2", "2e", False),
 ("2\\pi", "2 \\pi", True), ("2\\pi", "\\pi", False), ("\\frac{\\pi}{2}", "\\pi/2", True), ("\\frac{\\pi}{2}", "90^\\circ", True), ("\\frac{\\pi}{3}", "60^{\\circ}", True), ("\\frac{\\pi}{3}", "\\frac{\\pi}{6}", False),
 ("\\pi r^2", "r^2\\pi", True), ("4\\pi", "12.566370614359172", True), ("\\frac{4}{3}\\pi", "\\frac{4\\pi}{3}", True),
 ("\\ln 2", "\\log 2", True), ("\\log_2 8", "3", True), ("\\log_{2} 8", "\\log_2 9", False), ("\\ln(e^3)", "3", True), ("\\log_3 81", "4", True), ("\\log_{10} 1000", "3", True),
 ("\\sin\\frac{\\pi}{6}", "\\frac12", True), ("\\cos 0", "1", True), ("\\tan\\frac{\\pi}{4}", "1", True), ("\\sin^2 x + \\cos^2 x", "1", True), ("\\sin 2x", "2\\sin x\\cos x", True), ("\\sin 2x", "2 \\sin x", False),
 ("\\arctan 1", "\\frac{\\pi}{4}", True), ("\\sin^{-1}(1/2)", "\\pi/6", True), ("\\arccos 0", "\\frac{\\pi}{2}", True), ("\\cos^{-1}(0)", "\\pi", False),
 ("e^{i\\pi}", "-1", True), ("i^2", "-1", True), ("3+4i", "4i+3", True), ("3+4i", "3-4i", False), ("\\frac{1}{i}", "-i", True), ("(1+i)^2", "2i", True), ("\\sqrt{-4}", "2i", True),
 ("|{-5}|", "5", True), ("|x-1|", "|1-x|", True), ("|x-1|", "x-1", False), ("\\lfloor 3.7 \\rfloor", "3", True), ("\\lceil 3.2 \\rceil", "4", True), ("\\lceil 3.2\\rceil", "3", False),
 ("\\infty", "\\infty", True), ("\\infty", "-\\infty", False), ("-\\infty", "-\\infty", True), ("\\infty", "oo", True),
 ("e^{x}", "\\exp(x)", True), ("\\exp(2)", "e^2", True),
])
add("expressions", [
 ("x^2+2x+1", "(x+1)^2", True), ("x^2+2x+1", "(x-1)^2", False), ("x^2-1", "(x-1)(x+1)", True), ("x^2-1", "(x-1)^2", False), ("\\frac{x^2-1}{x-1}", "x+1", True),
 ("2x+3", "3+2x", True), ("2x+3", "2x-3", False),  ("a^2-b^2", "(a-b)(a+b)", True), ("a^2+b^2", "(a+b)^2", False), ("ab", "ba", True), ("2ab", "2 a b", True),
 ("\\frac{1}{x}+\\frac{1}{y}", "\\frac{x+y}{xy}", True), ("\\frac{1}{x}+\\frac{1}{y}", "\\frac{2}{x+y}", False), ("\\frac{x}{2}", "0.5x", True), ("\\frac{x}{2}", "2x", False),
 ("(x+1)^3", "x^3+3x^2+3x+1", True), ("(x+1)^3", "x^3+3x^2+3x-1", False), ("x^3", "x\\cdot x\\cdot x", True), ("x^3", "x \\times x^2", True), ("6 \\div 3", "2", True),
 ("\\frac{n(n+1)}{2}", "\\frac{n^2+n}{2}", True), ("\\frac{n(n+1)}{2}", "\\frac{n(n-1)}{2}", False), ("n^2", "n^{2}", True), ("2^n", "2^{n}", True), ("2^{n+1}", "2\\cdot 2^n", True), ("2^{n+1}", "2^n+1", False),
 ("\\sqrt{x+1}", "(x+1)^{1/2}", True), ("\\ln(xy)", "\\ln x + \\ln y", True), ("\\ln(x^2)", "2\\ln x", True), ("e^{\\ln x}", "x", True),
 ("\\theta", "\\theta", True), ("2\\alpha", "\\alpha + \\alpha", True), ("a_1 + a_2", "a_2 + a_1", True), ("a_1", "a_2", False), ("x_{n+1}", "x_{n+1}", True),
 ("x^2 y", "y x^2", True), ("x^2y", "xy^2", False), ("\\frac{3x}{4}", "\\frac34 x", True), ("\\frac{1}{2}(x+1)", "\\frac{x+1}{2}", True),
 ("f(x)=2x+1", "f(x) = 1 + 2x", True), ("x+y", "y+x", True), ("x-y", "y-x", False), ("\\frac{a}{b}", "a/b", True), ("\\frac{a}{b}", "b/a", False),
 ("k^2+k", "k(k+1)", True), ("t^{-1}", "\\frac{1}{t}", True), ("\\sqrt{a}\\sqrt{b}", "\\sqrt{ab}", True),
])
add("equations", [
 ("y=2x+1", "y=3x+1", False), ("y=2x+1", "2x-y+1=0", True), ("y=2x+1", "y - 2x = 1", True), ("y=2x+1", "y=2x-1", False), ("y = -x + 4", "x + y = 4", True), ("y = -x + 4", "x - y = 4", False),
 ("x^2+y^2=1", "2x^2+2y^2=2", True), ("x^2+y^2=1", "x^2+y^2=2", False), ("x^2+y^2=25", "y^2 = 25 - x^2", True), ("(x-1)^2+(y+2)^2=9", "x^2-2x+y^2+4y-4=0", True), ("(x-1)^2+(y+2)^2=9", "x^2-2x+y^2+4y+4=0", False),
 ("x=3", "3", True), ("3", "x=3", True), ("3", "x = 4", False), ("3", "2x=6", False), ("x=3", "x=3", True), ("x=3", "3=x", True), ("x=3", "y=3", False), ("x=3", "x = 4", False),
 ("k=5", "5", True), ("5", "k = 5", True), ("5", "n=5", True), ("-2", "x = -2", True), ("\\frac12", "p = 0.5", True),
 ("y=2x+1", "2x+1", True), ("2x+1", "y = 2x+1", True), ("y=x^2", "y - x^2 = 0", True), ("y=x^2", "y=x^3", False),
 ("3x+2y=6", "y = 3 - \\frac{3}{2}x", True), ("3x+2y=6", "y = 3 - \\frac{2}{3}x", False), ("z = 2", "z=2", True), ("x = y", "y = x", True),
 ("x=2", "x=2=2", True), ("3", "x = \\frac{6}{2} = 3", True), ("3", "x = \\frac{6}{2} = 4", False),
])
add("solutions_lists", [
 ("x=1 \\text{ or } x=2", "1, 2", True), ("1, 2", "x=1 \\text{ or } x=2", True), ("1,2", "2,1", True), ("1, 2", "1", False), ("1", "1, 2", False), ("1, 2", "1, 3", False),
 ("1 \\text{ and } 5", "5, 1", True), ("3 and 5", "\\{3, 5\\}", True), ("\\{3,5\\}", "\\{3,5,7\\}", False), ("\\{1,2,3\\}", "\\{3,2,1\\}", True), ("\\{1,2,3\\}", "\\{1,2\\}", False),
 ("x=\\pm 2", "2, -2", True), ("\\pm 2", "-2, 2", True), ("\\pm 2", "2", False), ("2", "\\pm 2", False), ("x = 3 \\pm \\sqrt{2}", "3+\\sqrt2, 3-\\sqrt2", True), ("3\\pm\\sqrt2", "3+\\sqrt2", False),
 ("\\frac{-1\\pm\\sqrt{5}}{2}", "\\frac{-1+\\sqrt5}{2}, \\frac{-1-\\sqrt5}{2}", True), ("-1, 3", "x=-1, x=3", True), ("-1, 3", "x = 3 \\text{ or } x = -1", True), 
 ("x \\in \\{1, 2\\}", "1, 2", True), ("1, 2", "x \\in \\{1,2\\}", True), ("\\emptyset", "\\varnothing", True), ("\\emptyset", "\\{\\}", True), ("\\emptyset", "\\{0\\}", False), ("\\{0\\}", "0", True),
 ("1, 2, 3, 4", "4, 3, 2, 1", True), ("1,2,3,4", "1,2,3", False), ("2, 3", "2; 3", True), ("-2, 2", "\\pm2", True),
])
add("intervals", [
 ("(1, 2]", "1 < x \\le 2", False, {"symmetric": True}), ("(1,2]", "1 \\le x \\le 2", False), ("[1,2]", "[1, 2]", True), ("[1,2]", "(1,2)", False), ("[1, 2)", "[1,2)", True), ("[1, 2)", "(1, 2]", False),
 ("(-\\infty, 3)", "x < 3", False, {"symmetric": True}), ("(-\\infty, 3)", "x \\le 3", False), ("(-\\infty, 3]", "x \\leq 3", False, {"symmetric": True}), ("[3, \\infty)", "x \\geq 3", False, {"symmetric": True}), ("(3, \\infty)", "x > 3", False, {"symmetric": True}), ("(3,\\infty)", "3 < x", False, {"symmetric": True}),
 ("x > 3", "(3, \\infty)", True), ("x>3", "(3, \\infty)", True), ("x \\ge 3", "(3,\\infty)", False), ("x > 3", "x > 3", True), ("x>3", "x<3", False), ("-1 < x < 2", "(-1, 2)", True),
 ("(-\\infty, 1) \\cup (2, \\infty)", "x < 1 \\text{ or } x > 2", False, {"symmetric": True}), ("(-\\infty,1)\\cup(2,\\infty)", "(2,\\infty)\\cup(-\\infty,1)", True), ("(-\\infty,1)\\cup(2,\\infty)", "(-\\infty,1]\\cup[2,\\infty)", False), ("(-\\infty, 1) \\cup (2, \\infty)", "(1, 2)", False),
 ("x \\neq 2", "(-\\infty,2)\\cup(2,\\infty)", True), ("\\left( -\\frac{1}{2}, 3 \\right]", "(-0.5, 3]", True), ("(0, \\pi)", "(0, 3.14159265358979)", True), ("[0, 2\\pi)", "[0, 2\\pi]", False),
 ("(-\\infty, \\infty)", "\\mathbb{R}", True), ("x \\in [2, 5]", "[2,5]", True), ("[2,5]", "2 \\le x \\le 5", False, {"symmetric": True}), ("[2,5]", "5 \\ge x \\ge 2", False, {"symmetric": True}), ("[2,5]", "2x \\ge 4", False),
])
add("tuples_matrices", [
 ("(1, 2)", "(1,2)", True), ("(1, 2)", "(2, 1)", False), ("(1,2,3)", "(1, 2, 3)", True), ("(1,2,3)", "(3,2,1)", False), ("(3, -1)", "\\left(3, -1\\right)", True), ("(\\frac12, 3)", "(0.5, 3)", True),
 ("(1,2)", "[1,2]", False), ("(0, 0)", "(0,0)", True), ("(2, 3, 4)", "(2, 3)", False), ("(a, b)", "(a, b)", True),
 ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}", True), ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}", False),
 ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(1, 2)", True), ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "(2, 1)", False), ("\\begin{pmatrix} \\frac12 & 0 \\\\ 0 & 1 \\end{pmatrix}", "\\begin{pmatrix} 0.5 & 0 \\\\ 0 & 1 \\end{pmatrix}", True),
 ("\\begin{pmatrix} 2 \\\\ -1 \\\\ 3 \\end{pmatrix}", "\\begin{pmatrix} 2 \\\\ -1 \\\\ 3 \\end{pmatrix}", True), ("\\begin{pmatrix} 2 \\\\ -1 \\\\ 3 \\end{pmatrix}", "\\begin{pmatrix} 2 \\\\ 1 \\\\ 3 \\end{pmatrix}", False),
 ("\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}", "\\begin{pmatrix} 1 & 0 & 0 \\\\ 0 & 1 & 0\\end{pmatrix}", False),
])
add("text_units_choice", [
 ("5 \\text{ cm}", "5", True), ("5", "5 \\text{ cm}", True), ("5\\text{ cm}^2", "5", True),  ("12", "12 meters", True), ("90^\\circ", "90", True), ("90", "90^\\circ", True), ("90^\\circ", "45^\\circ", False),
 ("\\text{Monday}", "Monday", True), ("\\text{Monday}", "\\text{Tuesday}", False), ("\\text{(C)}", "C", True), ("C", "(C)", True), ("C", "B", False), ("B", "\\text{B}", True), ("(D)", "D", True),
 ("\\text{yes}", "Yes", True), ("\\text{no}", "yes", False), ("\\text{even}", "\\text{odd}", False),
 ("40 \\text{ dollars}", "\\$40", True), ("40", "40 dollars", True), ("7 \\text{ hours}", "7", True), ("7\\text{ hours}", "8", False),
])
add("traps", [
 ("10^9+7", "10^9+9", False), ("123456789", "123456788", False), ("0.1+0.2", "0.3", True), ("x^2", "x^3", False), ("\\sin x", "\\cos x", False), ("\\sin x", "\\sin(-x)", False),
 ("\\ln x", "\\log_{10} x", False), ("e^x", "x^e", False), ("2^x", "x^2", False), ("(x+1)^2", "x^2+1", False), ("a+b", "ab", False), ("\\frac{1}{x+1}", "\\frac{1}{x}+1", False),
 ("\\{1,2\\}", "(1,2)", False), ("x^2=4", "x=2", False), ("3", "x+2=5", False), ("x>3", "2x>6", False), ("4", "2+2", True), ("6", "3!", True), ("\\text{no solution}", "\\text{solution}", False),
 ("2^{100}", "2^{100}+1", False), ("10^{20}", "10^{20}+1", False), ("\\frac{1}{7}", "0.142857", True), ("\\frac{1}{7}", "0.142858", False), ("\\frac13", "0.333334", False), ("\\frac{\\pi}{4}", "0.785398", True), ("\\frac{\\pi}{4}", "0.785399", False),
 ("-1", "1", False), ("i", "-i", False), ("\\sqrt{-1}", "i", True), ("30^\\circ", "\\frac{\\pi}{3}", False), ("50\\%", "0.05", False), ("x \\le 3", "x < 3", False), ("(-\\infty, 0)", "(-\\infty, 0]", False),
 ("2\\sqrt{3}", "3\\sqrt{2}", False), ("\\log_2 3", "\\log_3 2", False), ("\\binom{6}{2}", "\\binom{6}{3}", False), ("0", "\\emptyset", False), ("\\infty", "10^{100}", False),
 ("x^2+y^2=1", "x+y=1", False), ("y=x", "y=-x", False), ("2x+3y=6", "3x+2y=6", False), ("y=2x", "y=2x+0.001", False), ("x=1, y=2", "x=2, y=1", False), ("x=1, y=2", "y=2, x=1", True),
 ("1, 2, 3, 4, 5", "3", False), ("3", "1, 2, 3, 4, 5", False), ("3", "3, 3", False), ("\\frac{1}{2}", "\\frac{1}{2}x", False), ("2", "2x", False), ("x", "x+0", True), ("x+1", "x+1.0000001", False),
 ("\\frac{3}{2}", "\\frac{2}{3}", False), ("1.5", "15", False), ("0.05", "0.5", False), ("1000", "1,000.5", False), ("100", "10^3", False), ("5\\sqrt{5}", "\\sqrt{125}", True), ("5\\sqrt5", "\\sqrt{25}", False),
 ("\\frac{9}{4}", "2.25", True), ("\\frac{9}{4}", "2.24", False), ("(2,3)", "(3,2)", False), ("[2,3]", "[2,3)", False), ("-\\frac{1}{2}", "\\frac{1}{2}", False), ("\\frac{-1}{2}", "-0.5", True),
 ("e", "2.718", False), ("e", "2.718281828459045", True), ("\\pi^2", "2\\pi", False), ("\\sqrt{3}", "3^{1/3}", False), ("8", "2^3", True), ("9", "3^3", False), ("x^{-1}", "-x", False),
])
add("olympiad_styles", [
 ("f(x)=x^2", "f(x) = x^2", True), ("f(x)=x^2", "f(x) = x^3", False), ("2^k", "n = 2^k", True), ("n=2^k", "2^{k}", True), ("n = 2^k", "n = 2k", False),
 ("\\frac{n(n-1)}{2}", "\\binom{n}{2}", True), ("\\frac{n!}{k!(n-k)!}", "\\frac{n!}{k!(n-k)!}", True), ("(n-1)!", "(n-1)!", True), ("2^{n-1}", "\\frac{2^n}{2}", True), ("2^{n-1}", "2^n - 1", False),
 ("\\frac{\\sqrt{2}}{2}", "\\frac{1}{\\sqrt{2}}", True), ("\\left(\\frac{1}{2}, \\frac{\\sqrt{3}}{2}\\right)", "(0.5, \\frac{\\sqrt3}{2})", True), ("(\\frac{1}{2}, \\frac{\\sqrt{3}}{2})", "(\\frac{\\sqrt3}{2}, \\frac12)", False),
 ("p=2, q=3", "q=3, p=2", True), ("\\{(1,2), (2,1)\\}", "(2,1), (1,2)", True), ("\\{(1,2), (2,1)\\}", "(1,2)", False), ("k \\geq 2", "[2, \\infty)", True), ("k\\ge 2", "k > 2", False),
 ("a=b=c", "a=b=c", True), ("1+\\sqrt{2}", "\\sqrt{2}+1", True), ("1+\\sqrt2", "\\sqrt3", False), ("\\frac{1}{4}", "25\\%", True), ("\\frac{1}{4}", "20\\%", False),
 ("041", "41", True), ("041", "14", False), ("999", "999", True), ("0", "000", True), ("336", "363", False),
])
