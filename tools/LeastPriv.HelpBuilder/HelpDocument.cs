namespace LeastPriv.HelpBuilder;

/// <summary>One cmdlet's help as written in docs/en-US/&lt;Verb-Noun&gt;.md.</summary>
internal sealed class HelpDocument
{
    public HelpDocument(string path, string name)
    {
        Path = path;
        Name = name;
    }

    public string Path { get; }

    public string Name { get; }

    public string Synopsis { get; set; } = string.Empty;

    public List<string> Description { get; } = [];

    public List<HelpExample> Examples { get; } = [];

    /// <summary>Parameter descriptions keyed by name (without the dash), case-insensitive.</summary>
    public Dictionary<string, List<string>> Parameters { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<HelpTypeEntry> Inputs { get; } = [];

    public List<HelpTypeEntry> Outputs { get; } = [];

    public List<string> Notes { get; } = [];

    public List<string> RelatedLinks { get; } = [];
}

internal sealed class HelpExample
{
    public HelpExample(string title)
    {
        Title = title;
    }

    public string Title { get; }

    public List<string> Code { get; } = [];

    public List<string> Remarks { get; } = [];
}

internal sealed class HelpTypeEntry
{
    public HelpTypeEntry(string typeName)
    {
        TypeName = typeName;
    }

    public string TypeName { get; }

    public List<string> Description { get; } = [];
}
