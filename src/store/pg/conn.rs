//! A connection with its prepared statements kept: each statement is parsed and planned by
//! the server once per connection, not at every call (a poll runs a dozen of them; parsing
//! them each time was most of the server's work). The cache goes with its connection: a
//! new connection starts an empty one.

use std::cell::RefCell;
use std::collections::HashMap;

use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Error, GenericClient, Row, Statement, Transaction};

type Cache = RefCell<HashMap<String, Statement>>;

/// A connection and its statements.
pub(crate) struct Db {
    pub(crate) client: Client,
    cache: Cache,
}

/// A transaction on a [`Db`], with the same statements.
pub(crate) struct Tx<'a> {
    tx: Transaction<'a>,
    cache: &'a Cache,
}

impl Db {
    pub(crate) fn new(client: Client) -> Db {
        Db {
            client,
            cache: RefCell::new(HashMap::new()),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    pub(crate) async fn transaction(&mut self) -> Result<Tx<'_>, Error> {
        let Db { client, cache } = self;
        Ok(Tx {
            tx: client.transaction().await?,
            cache,
        })
    }
}

impl Tx<'_> {
    pub(crate) fn inner(&self) -> &Transaction<'_> {
        &self.tx
    }

    pub(crate) async fn commit(self) -> Result<(), Error> {
        self.tx.commit().await
    }

    pub(crate) async fn rollback(self) -> Result<(), Error> {
        self.tx.rollback().await
    }
}

/// Statements run through the cache, on a connection or in a transaction.
pub(crate) trait Sql {
    fn client(&self) -> &impl GenericClient;
    fn cache(&self) -> &Cache;

    /// `sql`'s statement, prepared on this connection the first time.
    async fn statement(&self, sql: &str) -> Result<Statement, Error> {
        if let Some(s) = self.cache().borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self.client().prepare(sql).await?;
        self.cache().borrow_mut().insert(sql.to_string(), s.clone());
        Ok(s)
    }

    async fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, Error> {
        let s = self.statement(sql).await?;
        self.client().query(&s, params).await
    }

    async fn query_one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row, Error> {
        let s = self.statement(sql).await?;
        self.client().query_one(&s, params).await
    }

    async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        let s = self.statement(sql).await?;
        self.client().query_opt(&s, params).await
    }

    async fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error> {
        let s = self.statement(sql).await?;
        self.client().execute(&s, params).await
    }
}

impl Sql for Db {
    fn client(&self) -> &impl GenericClient {
        &self.client
    }

    fn cache(&self) -> &Cache {
        &self.cache
    }
}

impl Sql for Tx<'_> {
    fn client(&self) -> &impl GenericClient {
        &self.tx
    }

    fn cache(&self) -> &Cache {
        self.cache
    }
}
