namespace LeastPriv.Core.Policy.Merge;

/// <summary>
/// Whether one IAM wildcard pattern grants everything another grants: <c>s3:Get*</c> covers
/// <c>s3:GetObject</c> and <c>s3:GetObject*</c>; <c>arn:aws:s3:::b/*</c> covers
/// <c>arn:aws:s3:::b/k</c> and <c>arn:aws:s3:::b/k/*</c>. IAM allows <c>*</c> (any run, also
/// empty) and <c>?</c> (one character) in actions and in every segment of a resource ARN
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
/// Action names compare case-insensitively, ARNs as written.
/// </summary>
/// <remarks>
/// The check is syntactic (no catalog): each token of the covered pattern is matched by a token
/// of the covering one, with the covered pattern's own <c>*</c> and <c>?</c> treated as the runs
/// they stand for. It never claims coverage that does not hold, and it is transitive (token
/// mappings compose), which the merge relies on to drop redundant grants without changing what a
/// policy allows. It can miss coverage between two spellings of one language (<c>?*</c> and
/// <c>*?</c>); such a pair is then simply kept.
/// </remarks>
internal static class PatternCoverage
{
    public static bool ActionCovers(string covering, string covered) => Covers(covering, covered, ignoreCase: true);

    public static bool ResourceCovers(string covering, string covered) => Covers(covering, covered, ignoreCase: false);

    /// <summary>True when <paramref name="text"/> (no wildcards of its own) matches <paramref name="pattern"/>.</summary>
    public static bool ResourceMatches(string pattern, string text) => Covers(pattern, text, ignoreCase: false);

    private static readonly char[] Wildcards = { '*', '?' };

    private static bool Covers(string a, string b, bool ignoreCase)
    {
        if (a == "*")
        {
            return true;
        }

        if (a.IndexOf('*') < 0 && a.IndexOf('?') < 0)
        {
            return ignoreCase ? string.Equals(a, b, StringComparison.OrdinalIgnoreCase) : string.Equals(a, b, StringComparison.Ordinal);
        }

        // The literal text before a's first wildcard and after its last must appear as is in b:
        // a cheap exact test that settles most pairs before the quadratic one.
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var first = a.IndexOfAny(Wildcards);
        var last = a.LastIndexOfAny(Wildcards);
        var suffix = a.Length - last - 1;
        if (b.Length < first + suffix
            || string.Compare(a, 0, b, 0, first, comparison) != 0
            || string.Compare(a, last + 1, b, b.Length - suffix, suffix, comparison) != 0)
        {
            return false;
        }

        // reach[i, j]: a[i..] covers b[j..]; filled from the ends backwards.
        var reach = new bool[a.Length + 1, b.Length + 1];
        reach[a.Length, b.Length] = true;
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length; j >= 0; j--)
            {
                var ca = a[i];
                if (ca == '*')
                {
                    // The star matches nothing more, or swallows b's next token (whatever it stands for).
                    reach[i, j] = reach[i + 1, j] || (j < b.Length && reach[i, j + 1]);
                }
                else if (j == b.Length)
                {
                    reach[i, j] = false;
                }
                else if (ca == '?')
                {
                    // One character covers b's '?' or a literal, never b's '*' (which may be empty or longer).
                    reach[i, j] = b[j] != '*' && reach[i + 1, j + 1];
                }
                else
                {
                    var cb = b[j];
                    var same = cb != '*' && cb != '?'
                        && (ca == cb || (ignoreCase && char.ToUpperInvariant(ca) == char.ToUpperInvariant(cb)));
                    reach[i, j] = same && reach[i + 1, j + 1];
                }
            }
        }

        return reach[0, 0];
    }
}
