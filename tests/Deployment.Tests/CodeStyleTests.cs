using System.Text.RegularExpressions;

namespace DaprOrders.Deployment.Tests;

/// <summary>
/// The one code dialect where no analyzer checks it (.editorconfig enforces `_field` naming and no `this.`):
/// every doc comment is an XML doc with a summary, not bare `///` text.
/// </summary>
public sealed partial class CodeStyleTests
{
    private static readonly string[] CodeFolders = ["services", "tools", "tests"];

    [Fact]
    public void Every_doc_comment_starts_with_a_summary_or_inheritdoc()
    {
        var bare = SourceFiles()
            .SelectMany(file => DocBlocks(File.ReadAllLines(file)).Where(IsBare).Select(block => $"{Relative(file)}:{block.Line}"))
            .ToList();

        Assert.True(bare.Count == 0, $"Doc comments without <summary>: {string.Join(", ", bare.Take(20))}");
    }

    [Fact]
    public void The_check_finds_a_bare_doc_comment()
    {
        string[] lines = ["namespace X;", "/// Does things.", "public sealed class Y;", "/// <summary>Fine.</summary>", "public sealed class Z;"];

        Assert.Equal([2], DocBlocks(lines).Where(IsBare).Select(b => b.Line));
    }

    private static IEnumerable<string> SourceFiles() =>
        CodeFolders
            .SelectMany(dir => Directory.EnumerateFiles(Repo.Current.Path(dir), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>Runs of consecutive `///` lines, with the 1-based number of their first line.</summary>
    private static IEnumerable<(int Line, List<string> Text)> DocBlocks(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (!DocLine().IsMatch(lines[i]))
            {
                continue;
            }

            var start = i;
            var block = new List<string>();
            while (i < lines.Length && DocLine().IsMatch(lines[i]))
            {
                block.Add(lines[i]);
                i++;
            }

            yield return (start + 1, block);
        }
    }

    private static bool IsBare((int Line, List<string> Text) block) =>
        !block.Text[0].Contains("<summary", StringComparison.Ordinal) && !block.Text[0].Contains("<inheritdoc", StringComparison.Ordinal);

    private static string Relative(string file) => Path.GetRelativePath(Repo.Current.Root, file);

    [GeneratedRegex(@"^\s*///")]
    private static partial Regex DocLine();
}
