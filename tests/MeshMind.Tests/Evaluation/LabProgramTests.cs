using MeshMind.Evaluation;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Evaluation;

/// <summary>Where a node finds <c>meshmind-lab</c>: beside itself, as built from source or as a release names it.</summary>
public sealed class LabProgramTests
{
    [Fact]
    public void Find_TheReleaseCompanionOfTheNodesOwnFile_OrPlainMeshmindLab_ButNotAnotherVersions()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.Combine("meshmind-lab-0.9.0-linux-x64"), "");
        var node = new LabProgram(folder.Path, nodeFile: "meshmind-1.2.0-linux-x64");
        Assert.Null(node.Find()); // another release's companion is not this node's

        File.WriteAllText(folder.Combine("meshmind-lab-1.2.0-linux-x64"), "");
        Assert.Equal(folder.Combine("meshmind-lab-1.2.0-linux-x64"), node.Find());
        Assert.Equal(folder.Combine("meshmind-lab-1.2.0-win-x64.exe"), WithFile(folder, "meshmind-1.2.0-win-x64.exe", "meshmind-lab-1.2.0-win-x64.exe"));

        File.WriteAllText(folder.Combine("meshmind-lab"), "");
        Assert.Equal(folder.Combine("meshmind-lab"), node.Find()); // the plain name first
        Assert.Equal(folder.Combine("meshmind-lab"), new LabProgram(folder.Path, nodeFile: "meshmind").Find());
    }

    [Fact]
    public void Missing_SaysWhereItWasLookedFor_AndHowToInstallIt()
    {
        using var folder = new TempDirectory();
        var message = new LabProgram(folder.Path, nodeFile: "meshmind").Missing("evaluate");

        Assert.StartsWith($"evaluate: meshmind-lab is not installed beside this node ({folder.Path})", message, StringComparison.Ordinal);
        Assert.Contains("release's meshmind-lab file", message, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/MeshMind.Lab", message, StringComparison.Ordinal);
    }

    private static string? WithFile(TempDirectory folder, string nodeFile, string companion)
    {
        File.WriteAllText(folder.Combine(companion), "");
        return new LabProgram(folder.Path, nodeFile).Find();
    }
}
