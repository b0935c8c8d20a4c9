using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace LeastPriv.Core.Aws;

/// <summary>
/// The AWS query protocol (IAM, STS): a form-encoded POST with <c>Action</c> and <c>Version</c>;
/// lists as <c>Name.member.N</c> (1-based), structures as <c>Parent.Child</c>; values percent-encoded
/// per RFC 3986 (aws-wire.md §3).
/// </summary>
internal sealed class QueryRequestBuilder
{
    private readonly List<KeyValuePair<string, string>> _members = new();

    public QueryRequestBuilder(string action, string version)
    {
        Action = action;
        _members.Add(new("Action", action));
        _members.Add(new("Version", version));
    }

    public string Action { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Members => _members;

    public QueryRequestBuilder Add(string name, string? value)
    {
        if (value is not null)
        {
            _members.Add(new(name, value));
        }

        return this;
    }

    public QueryRequestBuilder Add(string name, int? value)
        => value is null ? this : Add(name, value.Value.ToString(CultureInfo.InvariantCulture));

    public QueryRequestBuilder Add(string name, bool? value)
        => value is null ? this : Add(name, value.Value ? "true" : "false");

    public QueryRequestBuilder AddTags(string name, IEnumerable<AwsTag>? tags)
    {
        if (tags is null)
        {
            return this;
        }

        var i = 0;
        foreach (var tag in tags)
        {
            i++;
            Add($"{name}.member.{i}.Key", tag.Key);
            Add($"{name}.member.{i}.Value", tag.Value);
        }

        return this;
    }

    public byte[] ToBody()
    {
        var text = string.Join("&", _members.Select(m => Escape(m.Key) + "=" + Escape(m.Value)));
        return Encoding.UTF8.GetBytes(text);
    }

    // Uri.EscapeDataString encodes everything but the RFC 3986 unreserved characters.
    private static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>Reading query-protocol XML answers without caring about the namespace.</summary>
internal static class QueryXml
{
    /// <summary>The <c>&lt;{Op}Result&gt;</c> element (or the root when the operation has no output).</summary>
    public static XElement Result(byte[] body, string operation)
    {
        var doc = XDocument.Parse(Encoding.UTF8.GetString(body));
        var root = doc.Root ?? throw new FormatException($"{operation}: empty XML answer.");
        return root.Elements().FirstOrDefault(e => e.Name.LocalName == operation + "Result") ?? root;
    }

    public static XElement? Child(this XElement? parent, string name)
        => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static string? Text(this XElement? parent, string name) => parent.Child(name)?.Value;

    public static string Required(this XElement? parent, string name)
        => parent.Text(name) ?? throw new FormatException($"The AWS answer has no <{name}>.");

    public static bool? Bool(this XElement? parent, string name)
        => parent.Text(name) is { } t ? string.Equals(t, "true", StringComparison.OrdinalIgnoreCase) : null;

    public static int? Int(this XElement? parent, string name)
        => parent.Text(name) is { } t && int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static DateTimeOffset? Date(this XElement? parent, string name)
        => parent.Text(name) is { } t ? AwsTimestamps.ParseIso(t) : null;

    /// <summary>The <c>&lt;member&gt;</c> children of a list element.</summary>
    public static IEnumerable<XElement> Members(this XElement? parent, string listName)
        => parent.Child(listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? Enumerable.Empty<XElement>();
}

/// <summary>The timestamp forms AWS sends: ISO 8601 (with or without fractions) and epoch seconds.</summary>
public static class AwsTimestamps
{
    public static DateTimeOffset ParseIso(string text)
        => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>ISO 8601 in UTC, second precision: <c>2024-01-01T00:00:00Z</c>.</summary>
    public static string FormatIso(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Epoch seconds (JSON 1.1 timestamps), integer, decimal or exponent form.</summary>
    public static DateTimeOffset FromEpochSeconds(double seconds)
        => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000d, MidpointRounding.AwayFromZero));

    public static double ToEpochSeconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds() / 1000d;
}
