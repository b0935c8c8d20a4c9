namespace LeastPriv.Core.Catalog;

/// <summary>
/// IAM-style wildcards: <c>*</c> matches any run (also empty), <c>?</c> one character; case-insensitive,
/// as IAM compares action names
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
/// </summary>
internal static class WildcardPattern
{
    public static bool HasWildcards(string pattern) => pattern.IndexOfAny(Wildcards) >= 0;

    public static bool IsMatch(string pattern, string text)
    {
        // Linear-time greedy match that backtracks only to the most recent '*'.
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || EqualsIgnoreCase(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static readonly char[] Wildcards = { '*', '?' };

    private static bool EqualsIgnoreCase(char a, char b) =>
        a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
