# Hearth in a container: built in the official Go image, run from a small
# image that holds only the binary. Templates, static files, the OpenAPI
# document and the migrations are embedded in it, so nothing else is copied.
#
#   docker build -t hearth .
#   docker run -e DATABASE_URL=postgres://... -p 8080:8080 hearth
#
# The image has no PostgreSQL of its own: DATABASE_URL is required.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build of `make build`, without cgo, so that the binary needs no C library.
RUN CGO_ENABLED=0 go build -o bin/hearth ./cmd/hearth

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/bin/hearth /usr/local/bin/hearth
ENV HEARTH_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["serve"]
