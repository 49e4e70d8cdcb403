//! A resumable walk over the files of a tree, in git's own entry order, with byte paths.
//!
//! libgit2's tree walk gives directory names as `&str` and gives up on non-UTF-8 names, and it
//! cannot start in the middle. This walk keeps a stack of (tree, next entry index), so a
//! position is the list of entry indices from the root to a file: stable for a pinned commit,
//! cheap to resume from (only the trees on the way are read again).

use git2::{ObjectType, Oid, Repository, Tree};

/// One file met by the walk.
#[derive(Debug, Clone)]
pub(crate) struct FileEntry {
    /// Entry indices from the root to this file.
    pub position: Vec<usize>,
    /// The full path bytes.
    pub path: Vec<u8>,
    /// The blob id.
    pub id: Oid,
    /// The file mode (`0o120000` is a symlink).
    pub mode: i32,
}

struct Frame<'r> {
    tree: Tree<'r>,
    next: usize,
    prefix: Vec<u8>,
}

/// A walk over blobs; trees are entered, submodules (commit entries) are skipped.
pub(crate) struct TreeWalk<'r> {
    repo: &'r Repository,
    stack: Vec<Frame<'r>>,
}

impl<'r> TreeWalk<'r> {
    /// Start at the root, or at `resume` (the position of a file, which comes first).
    /// A position that does not fit the tree is an error: the cursor was not made for it.
    pub(crate) fn new(
        repo: &'r Repository,
        root: Tree<'r>,
        resume: &[usize],
    ) -> Result<TreeWalk<'r>, git2::Error> {
        let mut walk = TreeWalk {
            repo,
            stack: vec![Frame {
                tree: root,
                next: 0,
                prefix: Vec::new(),
            }],
        };
        let Some((last, directories)) = resume.split_last() else {
            return Ok(walk);
        };
        for index in directories {
            let (id, prefix) = {
                let frame = walk.top()?;
                let entry = frame
                    .tree
                    .get(*index)
                    .filter(|entry| entry.kind() == Some(ObjectType::Tree))
                    .ok_or_else(|| git2::Error::from_str("cursor does not fit this tree"))?;
                frame.next = index + 1;
                (entry.id(), join(&frame.prefix, entry.name_bytes()))
            };
            let tree = repo.find_tree(id)?;
            walk.stack.push(Frame {
                tree,
                next: 0,
                prefix,
            });
        }
        let frame = walk.top()?;
        if *last >= frame.tree.len() {
            return Err(git2::Error::from_str("cursor does not fit this tree"));
        }
        frame.next = *last;
        Ok(walk)
    }

    fn top(&mut self) -> Result<&mut Frame<'r>, git2::Error> {
        self.stack
            .last_mut()
            .ok_or_else(|| git2::Error::from_str("empty tree walk"))
    }

    /// The next file, or `None` at the end.
    pub(crate) fn next_file(&mut self) -> Result<Option<FileEntry>, git2::Error> {
        loop {
            let Some(frame) = self.stack.last_mut() else {
                return Ok(None);
            };
            let found = frame.tree.get(frame.next).map(|entry| {
                (
                    entry.kind(),
                    entry.id(),
                    entry.filemode(),
                    join(&frame.prefix, entry.name_bytes()),
                )
            });
            let Some((kind, id, mode, path)) = found else {
                self.stack.pop();
                continue;
            };
            frame.next += 1;
            match kind {
                Some(ObjectType::Tree) => {
                    let tree = self.repo.find_tree(id)?;
                    self.stack.push(Frame {
                        tree,
                        next: 0,
                        prefix: path,
                    });
                }
                Some(ObjectType::Blob) => {
                    let position = self
                        .stack
                        .iter()
                        .map(|frame| frame.next.saturating_sub(1))
                        .collect();
                    return Ok(Some(FileEntry {
                        position,
                        path,
                        id,
                        mode,
                    }));
                }
                _ => {}
            }
        }
    }
}

fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = Vec::with_capacity(prefix.len() + name.len() + 1);
    path.extend_from_slice(prefix);
    if !prefix.is_empty() {
        path.push(b'/');
    }
    path.extend_from_slice(name);
    path
}
