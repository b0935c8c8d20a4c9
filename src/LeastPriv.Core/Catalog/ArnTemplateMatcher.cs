namespace LeastPriv.Core.Catalog;

/// <summary>
/// Matches concrete ARNs against a Service Authorization Reference ARN template such as
/// <c>arn:${Partition}:s3:::${BucketName}/${ObjectName}</c>
/// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
/// </summary>
/// <remarks>
/// A variable (or a literal <c>*</c> in the template) followed by literal text matches a non-empty run
/// that does not contain the first character of that text, so <c>${BucketName}/</c> stops at the
/// first '/' and <c>${Account}:</c> at the next ':'. A variable that ends the template takes the
/// rest of the ARN, because names such as S3 object keys and IAM role paths contain '/' and ':',
/// except where a sibling template of the same service continues after that variable: then the
/// rest must not contain the character the sibling continues with. That keeps
/// <c>arn:aws:s3:::bucket/key</c> out of the bucket type, a DynamoDB stream ARN
/// (<c>table/${TableName}/stream/...</c>) out of the table type and a qualified Lambda ARN
/// (<c>function:${FunctionName}:${Alias}</c>) out of the function type.
/// A few templates list alternatives separated by ", " (Lex, API Gateway): any of them may match.
/// Literals compare ordinally: ARNs are case-sensitive.
/// </remarks>
internal sealed class ArnTemplateMatcher
{
    private readonly Token[][] _alternatives;

    private ArnTemplateMatcher(Token[][] alternatives, IReadOnlyList<string> variables)
    {
        _alternatives = alternatives;
        Variables = variables;
    }

    public IReadOnlyList<string> Variables { get; }

    /// <param name="template">The ARN template (one, or alternatives separated by ", ").</param>
    /// <param name="siblingTemplates">The other ARN templates of the same service.</param>
    public static ArnTemplateMatcher Compile(string template, IEnumerable<string>? siblingTemplates = null)
    {
        var variables = new List<string>();
        var siblings = (siblingTemplates ?? Array.Empty<string>())
            .SelectMany(Alternatives)
            .Select(Shape)
            .ToArray();
        var alternatives = Alternatives(template)
            .Select(t => Tokenize(t, variables, ForbiddenInLastVariable(Shape(t), siblings)))
            .ToArray();
        return new ArnTemplateMatcher(alternatives, variables);
    }

    private static IEnumerable<string> Alternatives(string template) =>
        template.Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim());

    // The template with variable names erased: "arn:${}:s3:::${}/${}".
    private static string Shape(string template) => VariableName.Replace(template, "${}");

    private static readonly System.Text.RegularExpressions.Regex VariableName =
        new(@"\$\{[^}]*\}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string ForbiddenInLastVariable(string shape, string[] siblingShapes)
    {
        if (!shape.EndsWith("${}", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var forbidden = new System.Text.StringBuilder();
        foreach (var sibling in siblingShapes)
        {
            if (sibling.Length > shape.Length && sibling.StartsWith(shape, StringComparison.Ordinal))
            {
                var next = sibling[shape.Length];
                if (next != '$' && next != '*' && forbidden.ToString().IndexOf(next) < 0)
                {
                    forbidden.Append(next);
                }
            }
        }

        return forbidden.ToString();
    }

    public bool IsMatch(string arn)
    {
        foreach (var tokens in _alternatives)
        {
            if (IsMatch(tokens, arn))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsMatch(Token[] tokens, string arn)
    {
        var position = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Literal is not null)
            {
                if (arn.Length - position < token.Literal.Length
                    || string.CompareOrdinal(arn, position, token.Literal, 0, token.Literal.Length) != 0)
                {
                    return false;
                }

                position += token.Literal.Length;
            }
            else if (i == tokens.Length - 1)
            {
                return (token.AllowEmpty || position < arn.Length)
                    && (token.Forbidden.Length == 0 || arn.IndexOfAny(token.Forbidden, position) < 0);
            }
            else
            {
                // The next token is a literal (adjacent variables were merged while tokenizing).
                var stop = arn.IndexOf(tokens[i + 1].Literal![0], position);
                if (stop < 0 || (stop == position && !token.AllowEmpty))
                {
                    return false;
                }

                position = stop;
            }
        }

        return position == arn.Length;
    }

    private static Token[] Tokenize(string template, List<string> variables, string forbiddenInLast)
    {
        var tokens = new List<Token>();
        var literal = new System.Text.StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var isVariable = template[i] == '$' && i + 1 < template.Length && template[i + 1] == '{';
            var end = isVariable ? template.IndexOf('}', i + 2) : -1;
            if (isVariable && end > i + 2)
            {
                variables.Add(template.Substring(i + 2, end - i - 2));
                AddVariable(tokens, literal, allowEmpty: false);
                i = end + 1;
            }
            else if (template[i] == '*')
            {
                // A '*' written into the template (DMS, Connect, Amplify Backend) is IAM's own wildcard.
                AddVariable(tokens, literal, allowEmpty: true);
                i++;
            }
            else
            {
                literal.Append(template[i]);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            tokens.Add(Token.Text(literal.ToString()));
        }
        else if (tokens.Count > 0 && forbiddenInLast.Length > 0)
        {
            tokens[tokens.Count - 1] = tokens[tokens.Count - 1].WithForbidden(forbiddenInLast);
        }

        return tokens.ToArray();
    }

    private static void AddVariable(List<Token> tokens, System.Text.StringBuilder literal, bool allowEmpty)
    {
        if (literal.Length > 0)
        {
            tokens.Add(Token.Text(literal.ToString()));
            literal.Clear();
        }

        // ${DomainName}${EncodedPackageGroupPattern} (CodeArtifact): two adjacent variables match as one run.
        if (tokens.Count > 0 && tokens[tokens.Count - 1].Literal is null)
        {
            var previous = tokens[tokens.Count - 1];
            tokens[tokens.Count - 1] = Token.Variable(previous.AllowEmpty && allowEmpty);
            return;
        }

        tokens.Add(Token.Variable(allowEmpty));
    }

    private readonly struct Token
    {
        private static readonly char[] NoChars = Array.Empty<char>();

        private Token(string? literal, bool allowEmpty, char[] forbidden)
        {
            Literal = literal;
            AllowEmpty = allowEmpty;
            Forbidden = forbidden;
        }

        public string? Literal { get; }

        public bool AllowEmpty { get; }

        /// <summary>Characters a template-ending variable must not contain.</summary>
        public char[] Forbidden { get; }

        public static Token Text(string literal) => new(literal, false, NoChars);

        public static Token Variable(bool allowEmpty) => new(null, allowEmpty, NoChars);

        public Token WithForbidden(string forbidden) => new(Literal, AllowEmpty, forbidden.ToCharArray());
    }
}
